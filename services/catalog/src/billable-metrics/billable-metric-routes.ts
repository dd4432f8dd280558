import { randomUUID } from "node:crypto";
import type { BillableMetric } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound, validationFailed } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { newestFirst, patch } from "../shared-schemas.js";
import { deleteBillableMetric as remove } from "./delete-billable-metric.js";
import { metricCreate, metricRuleErrors, metricUpdate } from "./metric-input.js";
import { serializeBillableMetric } from "./serialize.js";

function checkRules(metric: BillableMetric): void {
  const errors = metricRuleErrors(metric);
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
}

async function save(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
}

async function existing(request: ApiRequest, store: CatalogStore): Promise<BillableMetric> {
  const metric = await store.getMetric(request.organization.id, request.params.code ?? "");
  if (!metric) throw notFound("billable_metric");
  return metric;
}

/** Plans pricing the metric, subscriptions' child plans included (a parent may have dropped the charge). */
async function plansUsing(store: CatalogStore, metric: BillableMetric) {
  const [plans, children] = await Promise.all([
    store.listPlans(metric.organizationId),
    store.listChildPlans(metric.organizationId),
  ]);
  return [...plans, ...children].filter((plan) =>
    plan.charges.some((charge) => charge.billableMetricId === metric.id),
  );
}

export async function createBillableMetric(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(metricCreate, rootParam(request.body, "billable_metric"));
  const metric: BillableMetric = {
    id: randomUUID(),
    organizationId: request.organization.id,
    name: input.name,
    code: input.code,
    description: input.description ?? null,
    aggregationType: input.aggregation_type,
    // Lago ignores field_name for count_agg.
    fieldName: input.aggregation_type === "count_agg" ? null : (input.field_name ?? null),
    recurring: input.recurring ?? false,
    roundingFunction: input.rounding_function ?? null,
    roundingPrecision: input.rounding_precision ?? null,
    weightedInterval:
      input.aggregation_type === "weighted_sum_agg" ? (input.weighted_interval ?? null) : null,
    filters: input.filters ?? [],
    createdAt: request.receivedAt,
  };
  checkRules(metric);
  await save(() => store.createMetric(metric));
  return ok({ billable_metric: serializeBillableMetric(metric) });
}

/**
 * PUT /billable_metrics/{code}. As in Lago, once a plan charges the metric only its name,
 * description and rounding change: what it aggregates, and how, stays put under existing charges.
 */
export async function updateBillableMetric(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(metricUpdate, rootParam(request.body, "billable_metric"));
  const metric = await existing(request, store);
  const locked = (await plansUsing(store, metric)).length > 0;
  const aggregationType = locked
    ? metric.aggregationType
    : patch(input.aggregation_type, metric.aggregationType);
  const updated: BillableMetric = {
    ...metric,
    name: patch(input.name, metric.name),
    description: patch(input.description, metric.description) ?? null,
    roundingFunction: patch(input.rounding_function, metric.roundingFunction) ?? null,
    roundingPrecision: patch(input.rounding_precision, metric.roundingPrecision) ?? null,
    ...(locked
      ? {}
      : {
          code: patch(input.code, metric.code),
          aggregationType,
          fieldName:
            aggregationType === "count_agg" ? null : (patch(input.field_name, metric.fieldName) ?? null),
          recurring: patch(input.recurring, metric.recurring),
          weightedInterval:
            aggregationType === "weighted_sum_agg"
              ? (patch(input.weighted_interval, metric.weightedInterval) ?? null)
              : null,
          filters: patch(input.filters, metric.filters),
        }),
  };
  checkRules(updated);
  await save(() => store.updateMetric(updated, metric.code));
  return ok({ billable_metric: serializeBillableMetric(updated) });
}

/** DELETE /billable_metrics/{code}: the metric and the charges pricing it go. */
export async function deleteBillableMetric(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const metric = await existing(request, store);
  await remove(store, metric);
  return ok({ billable_metric: serializeBillableMetric(metric) });
}

export async function getBillableMetric(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  return ok({ billable_metric: serializeBillableMetric(await existing(request, store)) });
}

export async function listBillableMetrics(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const metrics = (await store.listMetrics(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(metrics, pageOf(request.query));
  return ok({ billable_metrics: items.map(serializeBillableMetric), meta });
}
