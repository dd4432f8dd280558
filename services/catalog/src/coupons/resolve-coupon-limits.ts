import { methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

export interface CouponLimitCodes {
  /** Absent: the request did not name any (an update keeps its coupon's). */
  readonly planCodes?: readonly string[] | null | undefined;
  readonly billableMetricCodes?: readonly string[] | null | undefined;
}

export interface CouponLimitIds {
  readonly planIds?: string[] | undefined;
  readonly billableMetricIds?: string[] | undefined;
}

/**
 * The plans and metrics a request limits a coupon to, by id, as Lago checks them: every code must
 * be a live plan (404 `plans_not_found`) or metric (404 `billable_metrics_not_found`), and a coupon
 * is limited to plans or to metrics, never both (405 `only_one_limitation_type_per_coupon_allowed`).
 */
export async function resolveCouponLimits(
  store: CatalogStore,
  organizationId: string,
  codes: CouponLimitCodes,
): Promise<CouponLimitIds> {
  const planCodes = codes.planCodes ? [...new Set(codes.planCodes)] : undefined;
  const metricCodes = codes.billableMetricCodes ? [...new Set(codes.billableMetricCodes)] : undefined;
  const [plans, metrics] = await Promise.all([
    planCodes?.length ? store.listPlans(organizationId) : [],
    metricCodes?.length ? store.listMetrics(organizationId) : [],
  ]);
  const idsOf = (wanted: readonly string[], found: readonly { code: string; id: string }[]) =>
    wanted.map((wantedCode) => found.find((item) => item.code === wantedCode)?.id);
  const planIds = planCodes && idsOf(planCodes, plans);
  if (planIds?.includes(undefined)) throw notFound("plans");
  const metricIds = metricCodes && idsOf(metricCodes, metrics);
  if (metricIds?.includes(undefined)) throw notFound("billable_metrics");
  if (planIds?.length && metricIds?.length)
    throw methodNotAllowed("only_one_limitation_type_per_coupon_allowed");
  return {
    planIds: planIds?.filter((id): id is string => id !== undefined),
    billableMetricIds: metricIds?.filter((id): id is string => id !== undefined),
  };
}
