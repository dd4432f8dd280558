import { randomUUID } from "node:crypto";
import { z } from "zod";
import { SUPPORTED_AGGREGATIONS } from "#shared/domain/usage-totals.js";
import type { BillableMetric } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { code, newestFirst } from "../shared-schemas.js";
import { serializeBillableMetric } from "./serialize.js";

const billableMetricInput = z
  .object({
    name: z.string().trim().min(1, { message: "value_is_mandatory" }),
    code,
    description: z.string().nullable().optional(),
    aggregation_type: z.enum(SUPPORTED_AGGREGATIONS, { message: "value_is_invalid" }),
    field_name: z.string().trim().min(1).nullable().optional(),
    recurring: z.boolean().optional(),
    filters: z.array(z.object({ key: z.string().min(1), values: z.array(z.string()).min(1) })).optional(),
  })
  .superRefine((metric, ctx) => {
    if (metric.aggregation_type !== "count_agg" && !metric.field_name) {
      ctx.addIssue({ code: "custom", path: ["field_name"], message: "value_is_mandatory" });
    }
    if (metric.recurring && metric.aggregation_type !== "sum_agg") {
      ctx.addIssue({ code: "custom", path: ["recurring"], message: "not_compatible_with_aggregation_type" });
    }
  });

export async function createBillableMetric(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(billableMetricInput, rootParam(request.body, "billable_metric"));
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
    filters: input.filters ?? [],
    createdAt: request.receivedAt,
  };
  try {
    await store.createMetric(metric);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return ok({ billable_metric: serializeBillableMetric(metric) });
}

export async function getBillableMetric(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const metric = await store.getMetric(request.organization.id, request.params.code ?? "");
  if (!metric) throw notFound("billable_metric");
  return ok({ billable_metric: serializeBillableMetric(metric) });
}

export async function listBillableMetrics(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const metrics = (await store.listMetrics(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(metrics, pageOf(request.query));
  return ok({ billable_metrics: items.map(serializeBillableMetric), meta });
}
