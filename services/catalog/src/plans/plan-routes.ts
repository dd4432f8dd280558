import { randomUUID } from "node:crypto";
import type { Plan } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { newestFirst, patch } from "../shared-schemas.js";
import { requireTaxes } from "../taxes/require-taxes.js";
import { deletePlan as remove } from "./delete-plan.js";
import { buildCharges, minimumCommitmentOf, planCreate, planUpdate, taxCodesOf } from "./plan-input.js";
import { serializePlan } from "./serialize.js";

/** Only yearly and semiannual plans may bill their charges monthly. */
const billsChargesMonthly = (interval: Plan["interval"], requested: boolean | null | undefined) =>
  (interval === "yearly" || interval === "semiannual") && requested === true;

async function present(deps: CatalogDeps, plan: Plan) {
  const taxes = await deps.catalog.listTaxes(plan.organizationId);
  return serializePlan(plan, taxes);
}

async function existing(request: ApiRequest, deps: CatalogDeps): Promise<Plan> {
  const plan = await deps.catalog.getPlan(request.organization.id, request.params.code ?? "");
  if (!plan) throw notFound("plan");
  return plan;
}

/** Live subscriptions on the plan or on one of its child plans (their `plan_overrides`). */
async function subscriptionsOn(deps: CatalogDeps, plan: Plan) {
  const [subscriptions, children] = await Promise.all([
    deps.catalog.listSubscriptions(plan.organizationId),
    deps.catalog.listChildPlans(plan.organizationId),
  ]);
  const planIds = new Set([plan.id, ...children.filter((c) => c.parentId === plan.id).map((c) => c.id)]);
  return subscriptions.filter(
    (subscription) => planIds.has(subscription.planId) && ["active", "pending"].includes(subscription.status),
  );
}

export async function createPlan(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const input = parseOrReject(planCreate, rootParam(request.body, "plan"));
  const organizationId = request.organization.id;
  await requireTaxes(deps.catalog, organizationId, taxCodesOf(input));
  const metrics = input.charges?.length ? await deps.catalog.listMetrics(organizationId) : [];
  const plan: Plan = {
    id: randomUUID(),
    organizationId,
    name: input.name,
    code: input.code,
    description: input.description ?? null,
    interval: input.interval,
    amountCents: input.amount_cents,
    amountCurrency: input.amount_currency,
    payInAdvance: input.pay_in_advance ?? false,
    trialPeriodDays: input.trial_period ?? 0,
    billChargesMonthly: billsChargesMonthly(input.interval, input.bill_charges_monthly),
    invoiceDisplayName: input.invoice_display_name ?? null,
    minimumCommitment: minimumCommitmentOf(input.minimum_commitment),
    taxCodes: [...new Set(input.tax_codes ?? [])],
    charges: buildCharges(input.charges ?? [], metrics, [], false, request.receivedAt),
    createdAt: request.receivedAt,
  };
  try {
    await deps.catalog.createPlan(plan);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return ok({ plan: await present(deps, plan) });
}

/**
 * PUT /plans/{code}. As in Lago, a plan with subscriptions keeps its code, interval, currency,
 * billing in advance and trial; its charges' prices, names, filters and taxes may change, and
 * charges may be added or removed (a charge sent with its `id` is the same charge).
 */
export async function updatePlan(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const input = parseOrReject(planUpdate, rootParam(request.body, "plan"));
  const plan = await existing(request, deps);
  await requireTaxes(deps.catalog, plan.organizationId, taxCodesOf(input));
  const locked = (await subscriptionsOn(deps, plan)).length > 0;
  const interval = locked ? plan.interval : patch(input.interval, plan.interval);
  const metrics = input.charges?.length ? await deps.catalog.listMetrics(plan.organizationId) : [];
  const updated: Plan = {
    ...plan,
    name: patch(input.name, plan.name),
    description: patch(input.description, plan.description) ?? null,
    invoiceDisplayName: patch(input.invoice_display_name, plan.invoiceDisplayName) ?? null,
    amountCents: patch(input.amount_cents, plan.amountCents),
    taxCodes: input.tax_codes ? [...new Set(input.tax_codes)] : plan.taxCodes,
    minimumCommitment:
      input.minimum_commitment === undefined
        ? plan.minimumCommitment
        : minimumCommitmentOf(input.minimum_commitment),
    charges: input.charges
      ? buildCharges(input.charges, metrics, plan.charges, locked, request.receivedAt)
      : plan.charges,
    ...(locked
      ? {}
      : {
          code: patch(input.code, plan.code),
          interval,
          amountCurrency: patch(input.amount_currency, plan.amountCurrency),
          payInAdvance: patch(input.pay_in_advance, plan.payInAdvance),
          trialPeriodDays: patch(input.trial_period, plan.trialPeriodDays),
          billChargesMonthly: billsChargesMonthly(
            interval,
            patch(input.bill_charges_monthly, plan.billChargesMonthly),
          ),
        }),
  };
  try {
    await deps.catalog.updatePlan(updated, plan.code);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return ok({ plan: await present(deps, updated) });
}

/** DELETE /plans/{code}: its subscriptions end (and are billed), as in Lago; then the plan goes. */
export async function deletePlan(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const plan = await existing(request, deps);
  await remove(deps, plan, request.receivedAt);
  return ok({ plan: await present(deps, plan) });
}

export async function getPlan(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  return ok({ plan: await present(deps, await existing(request, deps)) });
}

export async function listPlans(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const plans = (await deps.catalog.listPlans(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(plans, pageOf(request.query));
  return ok({ plans: await Promise.all(items.map((plan) => present(deps, plan))), meta });
}
