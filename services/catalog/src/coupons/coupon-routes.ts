import { randomUUID } from "node:crypto";
import { type Coupon, couponStatus } from "#shared/domain/coupons/coupon.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { couponCreate, couponUpdate } from "./coupon-input.js";
import { createCoupon as create } from "./create-coupon.js";
import { deleteCoupon as remove } from "./delete-coupon.js";
import { type CouponTargets, serializeCoupon } from "./serialize.js";
import { updateCoupon as update } from "./update-coupon.js";

async function existing(request: ApiRequest, store: CatalogStore): Promise<Coupon> {
  const coupon = await store.getCoupon(request.organization.id, request.params.code ?? "");
  if (!coupon) throw notFound("coupon");
  return coupon;
}

async function targetsOf(store: CatalogStore, organizationId: string, coupons: readonly Coupon[]) {
  const [plans, metrics] = await Promise.all([
    coupons.some((coupon) => coupon.limitedPlanIds.length > 0) ? store.listPlans(organizationId) : [],
    coupons.some((coupon) => coupon.limitedBillableMetricIds.length > 0)
      ? store.listMetrics(organizationId)
      : [],
  ]);
  return { plans, metrics } satisfies CouponTargets;
}

async function shown(request: ApiRequest, store: CatalogStore, coupon: Coupon) {
  const targets = await targetsOf(store, coupon.organizationId, [coupon]);
  return { coupon: serializeCoupon(coupon, targets, request.receivedAt) };
}

export async function createCoupon(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(couponCreate, rootParam(request.body, "coupon"));
  const coupon: Coupon = {
    id: randomUUID(),
    organizationId: request.organization.id,
    name: input.name,
    code: input.code,
    description: input.description ?? null,
    couponType: input.coupon_type,
    amountCents: input.amount_cents ?? null,
    amountCurrency: input.amount_currency ?? null,
    percentageRate: input.percentage_rate ?? null,
    frequency: input.frequency,
    frequencyDuration: input.frequency_duration ?? null,
    reusable: input.reusable ?? true,
    expiration: input.expiration,
    expirationAt: input.expiration_at?.iso ?? null,
    limitedPlanIds: [],
    limitedBillableMetricIds: [],
    appliedCount: 0,
    terminatedAt: null,
    deletedAt: null,
    createdAt: request.receivedAt,
  };
  const created = await create(
    store,
    coupon,
    { planCodes: input.applies_to?.plan_codes, billableMetricCodes: input.applies_to?.billable_metric_codes },
    request.receivedAt,
  );
  return ok(await shown(request, store, created));
}

export async function updateCoupon(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(couponUpdate, rootParam(request.body, "coupon"));
  const coupon = await existing(request, store);
  return ok(await shown(request, store, await update(store, coupon, input, request.receivedAt)));
}

export async function deleteCoupon(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const coupon = await existing(request, store);
  return ok(await shown(request, store, await remove(store, coupon, request.receivedAt)));
}

export async function getCoupon(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  return ok(await shown(request, store, await existing(request, store)));
}

/**
 * Lago's order (`order_by_status_and_expiration`): active coupons first, those that never expire
 * first, then by expiration date (none last), then newest first.
 */
function lagoOrder(now: string) {
  return (a: Coupon, b: Coupon): number => {
    const status = (coupon: Coupon) => (couponStatus(coupon, now).status === "active" ? 0 : 1);
    const expiration = (coupon: Coupon) => (coupon.expiration === "no_expiration" ? 0 : 1);
    const expiresAt = (coupon: Coupon) => coupon.expirationAt ?? "\uffff";
    return (
      status(a) - status(b) ||
      expiration(a) - expiration(b) ||
      expiresAt(a).localeCompare(expiresAt(b)) ||
      b.createdAt.localeCompare(a.createdAt) ||
      a.id.localeCompare(b.id)
    );
  };
}

export async function listCoupons(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const coupons = await store.listCoupons(request.organization.id);
  const { items, meta } = paginate(coupons.sort(lagoOrder(request.receivedAt)), pageOf(request.query));
  const targets = await targetsOf(store, request.organization.id, items);
  return ok({ coupons: items.map((coupon) => serializeCoupon(coupon, targets, request.receivedAt)), meta });
}
