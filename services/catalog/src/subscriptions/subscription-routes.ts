import { z } from "zod";
import { BILLING_TIMES } from "#shared/domain/periods.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { SubscriptionRecord } from "#shared/store/catalog-store.js";
import { catalogInstant } from "../catalog-dates.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { identifier } from "../catalog-limits.js";
import { planOverrides } from "../plans/plan-overrides-input.js";
import { newestFirst, optionalText } from "../shared-schemas.js";
import { createSubscription as create } from "./create-subscription.js";
import { endSubscription } from "./end-subscription.js";
import { presentSubscription } from "./subscription-view.js";
import { updateSubscription as update } from "./update-subscription.js";

const subscriptionCreate = z.object({
  external_customer_id: identifier,
  plan_code: identifier,
  external_id: identifier,
  name: optionalText(),
  subscription_at: catalogInstant.nullable().optional(),
  ending_at: catalogInstant.nullable().optional(),
  billing_time: z.enum(BILLING_TIMES, { message: "value_is_invalid" }).optional(),
  // null: no overrides, as a client sending it means.
  plan_overrides: planOverrides.nullable().optional(),
});

const subscriptionUpdate = z.object({
  name: optionalText(),
  ending_at: catalogInstant.nullable().optional(),
  subscription_at: catalogInstant.optional(),
  // null: no overrides, as a client sending it means.
  plan_overrides: planOverrides.nullable().optional(),
});

/** POST /subscriptions: creates, changes plan, or returns the same subscription again. */
export async function createSubscription(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const input = parseOrReject(subscriptionCreate, rootParam(request.body, "subscription"));
  const subscription = await create(
    deps,
    request.organization.id,
    {
      externalCustomerId: input.external_customer_id,
      planCode: input.plan_code,
      externalId: input.external_id,
      name: input.name,
      subscriptionAt: input.subscription_at,
      endingAt: input.ending_at,
      billingTime: input.billing_time,
      planOverrides: input.plan_overrides ?? undefined,
    },
    request.receivedAt,
  );
  return ok({ subscription: await presentSubscription(deps, subscription, request.receivedAt) });
}

async function currentRecord(request: ApiRequest, deps: CatalogDeps): Promise<SubscriptionRecord> {
  const record = await deps.catalog.subscriptionRecord(
    request.organization.id,
    request.params.external_id ?? "",
  );
  if (!record) throw notFound("subscription");
  return record;
}

export async function getSubscription(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const { subscription } = await currentRecord(request, deps);
  return ok({ subscription: await presentSubscription(deps, subscription, request.receivedAt) });
}

/** PUT /subscriptions/{external_id}. */
export async function updateSubscription(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const input = parseOrReject(subscriptionUpdate, rootParam(request.body, "subscription"));
  const updated = await update(
    deps,
    await currentRecord(request, deps),
    {
      name: input.name,
      endingAt: input.ending_at,
      subscriptionAt: input.subscription_at,
      planOverrides: input.plan_overrides ?? undefined,
    },
    request.receivedAt,
  );
  return ok({ subscription: await presentSubscription(deps, updated, request.receivedAt) });
}

/** DELETE /subscriptions/{external_id}[?status=pending][&on_termination_credit_note=…]. */
export async function terminateSubscription(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const record = await currentRecord(request, deps);
  const onlyPending = request.query.get("status") === "pending";
  if (onlyPending && record.subscription.status !== "pending" && !record.subscription.nextPlanCode) {
    throw notFound("subscription");
  }
  // Blank is Lago's default; the value is checked against the plan (see `endSubscription`).
  const creditNote = request.query.get("on_termination_credit_note") || undefined;
  const ended = await endSubscription(deps, record, request.receivedAt, onlyPending, creditNote);
  return ok({ subscription: await presentSubscription(deps, ended, request.receivedAt) });
}

const STATUSES = ["pending", "active", "terminated", "canceled"];

/** Filters: `external_customer_id`, `plan_code`, `status[]` (active by default, as in Lago). */
export async function listSubscriptions(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const { query } = request;
  const requested = [...query.getAll("status[]"), ...query.getAll("status")];
  if (requested.some((status) => !STATUSES.includes(status))) throw invalid("status", "value_is_invalid");
  const statuses = requested.length > 0 ? requested : ["active"];
  const customerId = query.get("external_customer_id");
  const planCode = query.get("plan_code");
  const subscriptions = (await deps.catalog.listSubscriptions(request.organization.id))
    .filter((s) => statuses.includes(s.status))
    .filter((s) => !customerId || s.externalCustomerId === customerId)
    .filter((s) => !planCode || s.planCode === planCode)
    .sort(newestFirst);
  const { items, meta } = paginate(subscriptions, pageOf(request.query));
  return ok({
    subscriptions: await Promise.all(items.map((s) => presentSubscription(deps, s, request.receivedAt))),
    meta,
  });
}
