import type { Customer } from "#shared/domain/catalog.js";
import type { AppliedCoupon, Coupon } from "#shared/domain/coupons/coupon.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { type CouponUsageReader, processCouponUsage } from "#shared/store/coupon-usage-reader.js";
import { appliedCouponCreate, appliedCouponFilters } from "./applied-coupon-input.js";
import { applyCoupon as apply } from "./apply-coupon.js";
import { asSpent } from "./as-spent.js";
import { removeAppliedCoupon as remove } from "./remove-applied-coupon.js";
import { serializeAppliedCoupon, serializeListedAppliedCoupon } from "./serialize.js";

async function customerOf(request: ApiRequest, store: CatalogStore): Promise<Customer> {
  const customer = await store.getCustomer(
    request.organization.id,
    request.params.external_customer_id ?? "",
  );
  if (!customer) throw notFound("customer");
  return customer;
}

async function couponOrFail(store: CatalogStore, applied: AppliedCoupon): Promise<Coupon> {
  const coupon = await store.couponOf(applied);
  // Coupons are deleted to a tombstone, never removed: an application always finds its coupon.
  if (!coupon) throw new Error(`applied coupon ${applied.id} names no coupon`);
  return coupon;
}

/** What invoicing has spent of applied coupons: its table, read only. */
type UsageReader = Pick<CouponUsageReader, "spentCoupons">;

export async function applyCoupon(
  request: ApiRequest,
  store: CatalogStore,
  usage: UsageReader = processCouponUsage(),
): Promise<HttpResponse> {
  const input = parseOrReject(appliedCouponCreate, rootParam(request.body, "applied_coupon"));
  const { applied, coupon, customer } = await apply(
    store,
    usage,
    request.organization.id,
    input,
    request.receivedAt,
  );
  return ok({ applied_coupon: serializeAppliedCoupon(applied, coupon, customer, request.receivedAt) });
}

export async function removeAppliedCoupon(
  request: ApiRequest,
  store: CatalogStore,
  usage: UsageReader = processCouponUsage(),
): Promise<HttpResponse> {
  const customer = await customerOf(request, store);
  const applied = await store.getAppliedCoupon(
    request.organization.id,
    customer.id,
    request.params.applied_coupon_id ?? "",
  );
  if (!applied) throw notFound("applied_coupon");
  const [removed, coupon, spent] = await Promise.all([
    remove(store, applied, request.receivedAt),
    couponOrFail(store, applied),
    usage.spentCoupons(request.organization.id, customer.id),
  ]);
  return ok({
    applied_coupon: serializeAppliedCoupon(asSpent(removed, spent), coupon, customer, request.receivedAt),
  });
}

/**
 * Lago's applied coupons index: live customers' applications only, as invoicing has left them,
 * filtered by customer, status (`active` or `terminated`, a used-up coupon being terminated; any
 * other value is ignored) and coupon codes, newest first.
 */
async function listed(
  request: ApiRequest,
  store: CatalogStore,
  usage: UsageReader,
  customer?: Customer,
): Promise<HttpResponse> {
  const organizationId = request.organization.id;
  const filters = parseOrReject(appliedCouponFilters, {
    external_customer_id: request.query.get("external_customer_id") ?? undefined,
    status: request.query.get("status") ?? undefined,
    coupon_code: [...request.query.getAll("coupon_code[]"), ...request.query.getAll("coupon_code")],
  });
  const page = pageOf(request.query);
  const [customers, applications, coupons, deletedCoupons, spent] = await Promise.all([
    customer ? [customer] : store.listCustomers(organizationId),
    customer
      ? store.customerAppliedCoupons(organizationId, customer.id)
      : store.listAppliedCoupons(organizationId),
    store.listCoupons(organizationId),
    store.listDeletedCoupons(organizationId),
    usage.spentCoupons(organizationId, customer?.id),
  ]);
  const customersById = new Map(customers.map((c) => [c.id, c]));
  const couponsById = new Map([...deletedCoupons, ...coupons].map((c) => [c.id, c]));
  const externalId = customer?.externalId ?? filters.external_customer_id;
  const status = filters.status === "active" || filters.status === "terminated" ? filters.status : undefined;
  const matching = applications
    .map((applied) => asSpent(applied, spent))
    .filter((applied) => customersById.has(applied.customerId) && couponsById.has(applied.couponId))
    .filter((applied) => externalId === undefined || applied.externalCustomerId === externalId)
    .filter((applied) => status === undefined || applied.status === status)
    .filter((applied) => filters.coupon_code.length === 0 || filters.coupon_code.includes(applied.couponCode))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  const { items, meta } = paginate(matching, page);
  return ok({
    applied_coupons: items.map((applied) =>
      serializeListedAppliedCoupon(
        applied,
        couponsById.get(applied.couponId) as Coupon,
        customersById.get(applied.customerId) as Customer,
        request.receivedAt,
      ),
    ),
    meta,
  });
}

export function listAppliedCoupons(
  request: ApiRequest,
  store: CatalogStore,
  usage: UsageReader = processCouponUsage(),
): Promise<HttpResponse> {
  return listed(request, store, usage);
}

export async function listCustomerAppliedCoupons(
  request: ApiRequest,
  store: CatalogStore,
  usage: UsageReader = processCouponUsage(),
): Promise<HttpResponse> {
  return listed(request, store, usage, await customerOf(request, store));
}
