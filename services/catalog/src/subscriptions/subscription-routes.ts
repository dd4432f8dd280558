import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { BillingJob } from "#shared/contracts/billing-job.js";
import {
  applicableTimezone,
  type Customer,
  type Plan,
  type Subscription,
  yearlyAmountCents,
} from "#shared/domain/catalog.js";
import { BILLING_TIMES } from "#shared/domain/periods.js";
import {
  activationInstant,
  canceled,
  firstClosing,
  startsLater,
  terminated,
  trialEndedAt,
} from "#shared/domain/subscription-lifecycle.js";
import { subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import {
  AlreadyExistsError,
  type CatalogStore,
  ConcurrentChangeError,
  type SubscriptionRecord,
} from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { upsertCustomer } from "../customers/upsert-customer.js";
import { newestFirst, patch } from "../shared-schemas.js";
import { serializeSubscription } from "./serialize.js";

const isoInstant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: "invalid_date" })
  .transform((value) => new Date(value).toISOString());

const subscriptionCreate = z.object({
  external_customer_id: z.string().trim().min(1, { message: "value_is_mandatory" }),
  plan_code: z.string().trim().min(1, { message: "value_is_mandatory" }),
  external_id: z.string().trim().min(1, { message: "value_is_mandatory" }),
  name: z.string().nullable().optional(),
  subscription_at: isoInstant.nullable().optional(),
  ending_at: isoInstant.nullable().optional(),
  billing_time: z.enum(BILLING_TIMES, { message: "value_is_invalid" }).optional(),
});

const subscriptionUpdate = z.object({
  name: z.string().nullable().optional(),
  ending_at: isoInstant.nullable().optional(),
  subscription_at: isoInstant.optional(),
});

export interface SubscriptionDeps {
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  /** Asks the invoicing workers to bill a subscription now (a termination's final invoice). */
  readonly requestBilling: (job: BillingJob) => Promise<void>;
}

async function timezoneOf(deps: SubscriptionDeps, customer: Customer): Promise<string> {
  const organization = await deps.organizations.get(customer.organizationId);
  if (!organization) throw notFound("organization");
  return applicableTimezone(customer, organization);
}

async function contextOf(deps: SubscriptionDeps, subscription: Subscription) {
  const [plan, customer] = await Promise.all([
    deps.catalog.planOf(subscription),
    deps.catalog.customerOf(subscription),
  ]);
  if (!plan || !customer) throw new Error(`subscription ${subscription.id} lost its plan or customer`);
  return { plan, customer, timezone: await timezoneOf(deps, customer) };
}

async function present(deps: SubscriptionDeps, subscription: Subscription, now: string) {
  const { plan, timezone } = await contextOf(deps, subscription);
  return serializeSubscription({
    subscription,
    trialEndedAt: trialEndedAt(subscription, plan),
    currentPeriod:
      subscription.status === "active" ? subscriptionPeriodAt(subscription, plan, timezone, now) : null,
  });
}

/** A new subscription: active from subscription_at if that is today or earlier (local), else pending. */
function newSubscription(
  input: {
    externalId: string;
    name: string | null;
    subscriptionAt: string;
    endingAt: string | null;
    billingTime: Subscription["billingTime"];
  },
  plan: Plan,
  customer: Customer,
  timezone: string,
  now: string,
  previous?: Subscription,
): { subscription: Subscription; dueAt: string } {
  const pending = startsLater(input.subscriptionAt, timezone, now);
  const subscription: Subscription = {
    id: randomUUID(),
    organizationId: customer.organizationId,
    externalId: input.externalId,
    customerId: customer.id,
    externalCustomerId: customer.externalId,
    planId: plan.id,
    planCode: plan.code,
    name: input.name,
    status: pending ? "pending" : "active",
    billingTime: input.billingTime,
    subscriptionAt: input.subscriptionAt,
    startedAt: pending ? null : previous ? now : input.subscriptionAt,
    endingAt: input.endingAt,
    terminatedAt: null,
    canceledAt: null,
    terminationReason: null,
    previousSubscriptionId: previous?.id ?? null,
    previousPlanCode: previous?.planCode ?? null,
    nextPlanCode: null,
    createdAt: now,
    updatedAt: now,
  };
  const dueAt = pending
    ? activationInstant(input.subscriptionAt, timezone)
    : firstClosing(subscription, plan, timezone);
  return { subscription, dueAt };
}

/**
 * POST /subscriptions. A new external id starts a subscription (and creates an unknown customer,
 * as Lago does). An existing active one on another plan changes plan: an upgrade (a plan of at
 * least the yearly amount) replaces it at once, the old one terminated and billed up to now; a
 * downgrade waits for the end of the current period. The same request again returns it unchanged.
 */
export async function createSubscription(request: ApiRequest, deps: SubscriptionDeps): Promise<HttpResponse> {
  const input = parseOrReject(subscriptionCreate, rootParam(request.body, "subscription"));
  const organizationId = request.organization.id;
  const now = request.receivedAt;
  const plan = await deps.catalog.getPlan(organizationId, input.plan_code);
  if (!plan) throw notFound("plan");

  const record = await deps.catalog.subscriptionRecord(organizationId, input.external_id);
  const current = record?.subscription;
  if (current && (current.status === "active" || current.status === "pending")) {
    if (current.externalCustomerId !== input.external_customer_id)
      throw invalid("external_id", "value_already_exist");
    if (current.planId === plan.id) return ok({ subscription: await present(deps, current, now) });
    return changePlan(deps, record as SubscriptionRecord, plan, input.name ?? current.name, now);
  }

  const customer = await upsertCustomer(
    deps.catalog,
    organizationId,
    { external_id: input.external_customer_id },
    now,
  );
  if (customer.currency && customer.currency !== plan.amountCurrency)
    throw invalid("currency", "currencies_does_not_match");
  const withCurrency = customer.currency ? customer : { ...customer, currency: plan.amountCurrency };
  if (!customer.currency) await deps.catalog.updateCustomer(withCurrency);
  const timezone = await timezoneOf(deps, withCurrency);
  const created = newSubscription(
    {
      externalId: input.external_id,
      name: input.name ?? null,
      subscriptionAt: input.subscription_at ?? now,
      endingAt: input.ending_at ?? null,
      billingTime: input.billing_time ?? "calendar",
    },
    plan,
    withCurrency,
    timezone,
    now,
  );
  try {
    if (record) {
      // The external id is free again (its subscription ended): the old one goes to the history.
      await deps.catalog.replaceSubscription(record, record, {
        subscription: created.subscription,
        dueAt: created.dueAt,
      });
    } else {
      await deps.catalog.createSubscription(created.subscription, created.dueAt);
    }
  } catch (error) {
    if (error instanceof AlreadyExistsError || error instanceof ConcurrentChangeError) {
      throw invalid("external_id", "value_already_exist");
    }
    throw error;
  }
  return ok({ subscription: await present(deps, created.subscription, now) });
}

async function changePlan(
  deps: SubscriptionDeps,
  record: SubscriptionRecord,
  plan: Plan,
  name: string | null,
  now: string,
): Promise<HttpResponse> {
  const current = record.subscription;
  const context = await contextOf(deps, current);
  if (plan.amountCurrency !== context.plan.amountCurrency)
    throw invalid("currency", "currencies_does_not_match");

  if (current.status === "pending") {
    // Not started yet: it simply starts on the new plan.
    const updated = { ...current, planId: plan.id, planCode: plan.code, name, updatedAt: now };
    await deps.catalog.saveSubscription(record, updated, record.dueAt);
    return ok({ subscription: await present(deps, updated, now) });
  }
  if (yearlyAmountCents(plan) < yearlyAmountCents(context.plan)) {
    // Downgrade: recorded now, done by the billing clock when the current period closes.
    const updated = { ...current, nextPlanCode: plan.code, updatedAt: now };
    await deps.catalog.saveSubscription(record, updated, record.dueAt);
    return ok({ subscription: await present(deps, updated, now) });
  }
  const old = terminated(current, now, "upgraded");
  const successor = newSubscription(
    {
      externalId: current.externalId,
      name,
      subscriptionAt: current.subscriptionAt,
      endingAt: current.endingAt,
      billingTime: current.billingTime,
    },
    plan,
    context.customer,
    context.timezone,
    now,
    current,
  );
  await deps.catalog.replaceSubscription(
    record,
    { subscription: old, dueAt: dueUntil(record, now) },
    successor,
  );
  await deps.requestBilling({
    organizationId: old.organizationId,
    externalSubscriptionId: old.externalId,
    subscriptionId: old.id,
    now,
  });
  return ok({ subscription: await present(deps, successor.subscription, now) });
}

/**
 * The due instant of a subscription terminated now: now, unless a period that closed earlier is
 * still to be billed (the clock has not run since), which comes first.
 */
function dueUntil(record: SubscriptionRecord, now: string): string {
  return record.dueAt && record.dueAt < now ? record.dueAt : now;
}

async function currentRecord(request: ApiRequest, deps: SubscriptionDeps): Promise<SubscriptionRecord> {
  const record = await deps.catalog.subscriptionRecord(
    request.organization.id,
    request.params.external_id ?? "",
  );
  if (!record) throw notFound("subscription");
  return record;
}

export async function getSubscription(request: ApiRequest, deps: SubscriptionDeps): Promise<HttpResponse> {
  const { subscription } = await currentRecord(request, deps);
  return ok({ subscription: await present(deps, subscription, request.receivedAt) });
}

/** PUT /subscriptions/{external_id}: name and ending_at; subscription_at while still pending. */
export async function updateSubscription(request: ApiRequest, deps: SubscriptionDeps): Promise<HttpResponse> {
  const input = parseOrReject(subscriptionUpdate, rootParam(request.body, "subscription"));
  const record = await currentRecord(request, deps);
  const { subscription } = record;
  const now = request.receivedAt;
  if (subscription.status !== "active" && subscription.status !== "pending") throw notFound("subscription");
  if (input.subscription_at && subscription.status !== "pending")
    throw invalid("subscription_at", "value_is_invalid");
  if (input.ending_at && input.ending_at <= now) throw invalid("ending_at", "invalid_date");
  const { plan, timezone } = await contextOf(deps, subscription);
  const updated: Subscription = {
    ...subscription,
    name: patch(input.name, subscription.name),
    endingAt: patch(input.ending_at, subscription.endingAt),
    subscriptionAt: input.subscription_at ?? subscription.subscriptionAt,
    updatedAt: now,
  };
  let dueAt = record.dueAt;
  if (updated.status === "pending") {
    if (startsLater(updated.subscriptionAt, timezone, now)) {
      dueAt = activationInstant(updated.subscriptionAt, timezone);
    } else {
      // Moved to today or the past: it starts now, as a new subscription would.
      Object.assign(updated, { status: "active", startedAt: updated.subscriptionAt });
      dueAt = firstClosing(updated, plan, timezone);
    }
  } else if (updated.endingAt !== subscription.endingAt) {
    // The clock must stop at the new ending_at if it comes before the open period's end.
    const period = subscriptionPeriodAt(updated, plan, timezone, now);
    dueAt = updated.endingAt && updated.endingAt < period.endsAt ? updated.endingAt : period.endsAt;
  }
  await deps.catalog.saveSubscription(record, updated, dueAt);
  return ok({ subscription: await present(deps, updated, now) });
}

/**
 * Terminates a subscription now: an active one ends and its final partial period is billed at
 * once; a pending one (or, with `status=pending`, a pending downgrade) is canceled.
 */
export async function endSubscription(
  deps: SubscriptionDeps,
  record: SubscriptionRecord,
  now: string,
  onlyPending = false,
): Promise<Subscription> {
  const { subscription } = record;
  if (subscription.status === "pending") {
    const ended = canceled(subscription, now);
    await deps.catalog.saveSubscription(record, ended, null);
    return ended;
  }
  if (subscription.status !== "active") throw methodNotAllowed("subscription_not_active");
  if (onlyPending) {
    if (!subscription.nextPlanCode) throw notFound("subscription");
    const withoutDowngrade = { ...subscription, nextPlanCode: null, updatedAt: now };
    await deps.catalog.saveSubscription(record, withoutDowngrade, record.dueAt);
    return withoutDowngrade;
  }
  const ended = terminated(subscription, now, "terminated");
  await deps.catalog.saveSubscription(record, ended, dueUntil(record, now));
  await deps.requestBilling({
    organizationId: ended.organizationId,
    externalSubscriptionId: ended.externalId,
    subscriptionId: ended.id,
    now,
  });
  return ended;
}

/** DELETE /subscriptions/{external_id}[?status=pending]. */
export async function terminateSubscription(
  request: ApiRequest,
  deps: SubscriptionDeps,
): Promise<HttpResponse> {
  const record = await currentRecord(request, deps);
  const onlyPending = request.query.get("status") === "pending";
  if (onlyPending && record.subscription.status !== "pending" && !record.subscription.nextPlanCode) {
    throw notFound("subscription");
  }
  const ended = await endSubscription(deps, record, request.receivedAt, onlyPending);
  return ok({ subscription: await present(deps, ended, request.receivedAt) });
}

const STATUSES = ["pending", "active", "terminated", "canceled"];

/** Filters: `external_customer_id`, `plan_code`, `status[]` (active by default, as in Lago). */
export async function listSubscriptions(request: ApiRequest, deps: SubscriptionDeps): Promise<HttpResponse> {
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
  const { items, meta } = paginate(subscriptions, pageOf(query));
  return ok({
    subscriptions: await Promise.all(items.map((s) => present(deps, s, request.receivedAt))),
    meta,
  });
}
