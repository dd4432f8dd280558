import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { BillableMetric, Charge, Plan } from "#shared/domain/catalog.js";
import { SUPPORTED_CHARGE_MODELS } from "#shared/domain/charges/charge-amount.js";
import { PLAN_INTERVALS } from "#shared/domain/periods.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound, validationFailed } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { code, currencyCode, decimalAmount, newestFirst } from "../shared-schemas.js";
import { serializePlan } from "./serialize.js";

const chargeInput = z
  .object({
    billable_metric_id: z.string().optional(),
    billable_metric_code: z.string().optional(),
    charge_model: z.enum(SUPPORTED_CHARGE_MODELS, { message: "value_is_invalid" }),
    pay_in_advance: z.boolean().optional(),
    invoiceable: z.boolean().optional(),
    prorated: z.boolean().optional(),
    min_amount_cents: z.number().int().min(0).optional(),
    invoice_display_name: z.string().nullable().optional(),
    properties: z.object({ amount: decimalAmount }),
  })
  .refine((charge) => charge.billable_metric_id || charge.billable_metric_code, {
    message: "value_is_mandatory",
    path: ["billable_metric_id"],
  });

const planInput = z.object({
  name: z.string().trim().min(1, { message: "value_is_mandatory" }),
  code,
  interval: z.enum(PLAN_INTERVALS, { message: "value_is_invalid" }),
  description: z.string().nullable().optional(),
  invoice_display_name: z.string().nullable().optional(),
  amount_cents: z.number().int().min(0),
  amount_currency: currencyCode,
  pay_in_advance: z.boolean().optional(),
  trial_period: z.number().min(0).optional(),
  charges: z.array(chargeInput).optional(),
});

type ChargeInput = z.output<typeof chargeInput>;

/** Charges name their metric by Lago id (`billable_metric_id`) or by code; both must exist. */
function resolveCharges(
  inputs: readonly ChargeInput[],
  metrics: readonly BillableMetric[],
  createdAt: string,
): Charge[] {
  const errors: Record<string, string[]> = {};
  const charges = inputs.flatMap((input, index): Charge[] => {
    const metric = metrics.find((m) =>
      input.billable_metric_id ? m.id === input.billable_metric_id : m.code === input.billable_metric_code,
    );
    if (!metric) {
      errors[`charges.${index}.billable_metric_id`] = ["billable_metric_not_found"];
      return [];
    }
    return [
      {
        id: randomUUID(),
        billableMetricId: metric.id,
        billableMetricCode: metric.code,
        chargeModel: input.charge_model,
        properties: { amount: input.properties.amount },
        payInAdvance: input.pay_in_advance ?? false,
        invoiceable: input.invoiceable ?? true,
        prorated: input.prorated ?? false,
        minAmountCents: input.min_amount_cents ?? 0,
        invoiceDisplayName: input.invoice_display_name ?? null,
        createdAt,
      },
    ];
  });
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  return charges;
}

export async function createPlan(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(planInput, rootParam(request.body, "plan"));
  const metrics = input.charges?.length ? await store.listMetrics(request.organization.id) : [];
  const plan: Plan = {
    id: randomUUID(),
    organizationId: request.organization.id,
    name: input.name,
    code: input.code,
    description: input.description ?? null,
    interval: input.interval,
    amountCents: input.amount_cents,
    amountCurrency: input.amount_currency,
    payInAdvance: input.pay_in_advance ?? false,
    trialPeriodDays: input.trial_period ?? 0,
    invoiceDisplayName: input.invoice_display_name ?? null,
    charges: resolveCharges(input.charges ?? [], metrics, request.receivedAt),
    createdAt: request.receivedAt,
  };
  try {
    await store.createPlan(plan);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return ok({ plan: serializePlan(plan) });
}

export async function getPlan(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const plan = await store.getPlan(request.organization.id, request.params.code ?? "");
  if (!plan) throw notFound("plan");
  return ok({ plan: serializePlan(plan) });
}

export async function listPlans(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const plans = (await store.listPlans(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(plans, pageOf(request.query));
  return ok({ plans: items.map(serializePlan), meta });
}
