import { randomUUID } from "node:crypto";
import type { Customer } from "#shared/domain/catalog.js";
import {
  type AppliedCoupon,
  type Coupon,
  couponStatus,
  limitsOverlap,
} from "#shared/domain/coupons/coupon.js";
import { invalid, methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import { AlreadyExistsError, type CatalogStore, type CatalogWrite } from "#shared/store/catalog-store.js";
import type { CouponUsageReader } from "#shared/store/coupon-usage-reader.js";
import type { AppliedCouponCreateInput } from "./applied-coupon-input.js";
import { asSpent } from "./as-spent.js";

const notReusable = () => invalid("coupon", "coupon_is_not_reusable");

const reach = (coupon: Coupon) => ({
  planIds: coupon.limitedPlanIds,
  billableMetricIds: coupon.limitedBillableMetricIds,
});

/**
 * Lago's `plan_overlapping`: a limited coupon may not reach what an active one of the customer's
 * does; one invoicing has used up is terminated, as in Lago, and no longer counts.
 */
async function overlapsActiveCoupon(
  store: CatalogStore,
  usage: Pick<CouponUsageReader, "spentCoupons">,
  customer: Customer,
  coupon: Coupon,
): Promise<boolean> {
  if (coupon.limitedPlanIds.length === 0 && coupon.limitedBillableMetricIds.length === 0) return false;
  const applied = await store.appliedCouponsOf(customer.organizationId, customer.id);
  if (applied.length === 0) return false;
  const spent = await usage.spentCoupons(customer.organizationId, customer.id);
  const active = applied.filter((application) => asSpent(application, spent).status === "active");
  if (active.length === 0) return false;
  const [others, plans] = await Promise.all([
    Promise.all(active.map((applied) => store.couponOf(applied))),
    store.listPlans(customer.organizationId),
  ]);
  const metricsOfPlan = (planId: string) =>
    plans.find((plan) => plan.id === planId)?.charges.map((charge) => charge.billableMetricId) ?? [];
  return others.some(
    (other) => other !== undefined && limitsOverlap(reach(coupon), reach(other), metricsOfPlan),
  );
}

/**
 * The customer's part of the change: a fixed amount gives the customer its currency when it has
 * none, and must be in the customer's currency otherwise (422 `currencies_does_not_match`); the
 * customer must still be the one read.
 */
function customerWrite(
  store: CatalogStore,
  customer: Customer,
  currency: string | null,
  now: string,
): CatalogWrite {
  if (currency === null || customer.currency === currency) return store.customerCheck(customer);
  if (customer.currency) throw invalid("currency", "currencies_does_not_match");
  return store.customerReplacement({ ...customer, currency, updatedAt: now });
}

/**
 * POST /applied_coupons, with Lago's checks in Lago's order (`AppliedCoupons::CreateService`):
 * the customer (404 `customer_not_found`), the coupon live and neither terminated nor expired (404
 * `coupon_not_found`), its limits not overlapping an active coupon's (405 `plan_overlapping`), a
 * coupon that is not reusable never applied to the customer before, even if since terminated or
 * used up (422 `coupon_is_not_reusable`),
 * then the currency. The application, the coupon's count of them, the customer and, for a coupon
 * that is not reusable, its one use by the customer are written together: of two concurrent
 * applications of such a coupon, one is written and the other refused.
 */
export async function applyCoupon(
  store: CatalogStore,
  usage: Pick<CouponUsageReader, "spentCoupons">,
  organizationId: string,
  input: AppliedCouponCreateInput,
  now: string,
): Promise<{ applied: AppliedCoupon; coupon: Coupon; customer: Customer }> {
  const customer = input.external_customer_id
    ? await store.getCustomer(organizationId, input.external_customer_id)
    : undefined;
  if (!customer) throw notFound("customer");
  const coupon = input.coupon_code ? await store.getCoupon(organizationId, input.coupon_code) : undefined;
  if (!coupon || couponStatus(coupon, now).status !== "active") throw notFound("coupon");
  if (await overlapsActiveCoupon(store, usage, customer, coupon)) throw methodNotAllowed("plan_overlapping");
  if (!coupon.reusable && (await store.couponUsed(organizationId, customer.id, coupon.id)))
    throw notReusable();

  const amountCents = input.amount_cents ?? coupon.amountCents;
  const amountCurrency = input.amount_currency ?? coupon.amountCurrency;
  const fixed = coupon.couponType === "fixed_amount";
  const customerChange = customerWrite(store, customer, fixed ? amountCurrency : null, now);
  const frequency = input.frequency ?? coupon.frequency;
  const frequencyDuration = input.frequency_duration ?? coupon.frequencyDuration;
  if (frequency === "recurring" && frequencyDuration === null)
    throw invalid("frequency_duration", "value_is_mandatory");
  const applied: AppliedCoupon = {
    id: randomUUID(),
    organizationId,
    couponId: coupon.id,
    couponCode: coupon.code,
    customerId: customer.id,
    externalCustomerId: customer.externalId,
    amountCents,
    amountCurrency,
    percentageRate: input.percentage_rate ?? coupon.percentageRate,
    frequency,
    frequencyDuration,
    frequencyDurationRemaining: frequencyDuration,
    amountCentsRemaining: coupon.couponType === "fixed_amount" ? amountCents : null,
    status: "active",
    terminatedAt: null,
    createdAt: now,
  };
  const writes = [
    store.couponApplication(coupon),
    customerChange,
    store.appliedCouponInsertion(applied),
    ...(coupon.reusable ? [] : [store.couponUseInsertion(applied)]),
  ];
  try {
    await store.write(writes);
  } catch (error) {
    if (error instanceof AlreadyExistsError && error.kind === "coupon_use") throw notReusable();
    throw error;
  }
  const withCurrency = fixed && !customer.currency ? { ...customer, currency: amountCurrency } : customer;
  return { applied, coupon: { ...coupon, appliedCount: coupon.appliedCount + 1 }, customer: withCurrency };
}
