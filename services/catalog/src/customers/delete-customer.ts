import type { Customer } from "#shared/domain/catalog.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { endSubscriptionsWith, liveSubscriptionRecords } from "../subscriptions/end-subscription.js";

/** What one DynamoDB transaction may hold (AWS's limit), which the tombstone's writes must fit. */
const TRANSACTION_WRITES = 100;

/**
 * DELETE /customers/{external_customer_id}: its live subscriptions end now (and are billed), its
 * active applied coupons are terminated (Lago's `Customers::TerminateRelationsService`), and the
 * customer moves to its tombstone, in one transaction when it fits (see `endSubscriptionsWith`).
 * The terminations go with the tombstone, so a deletion made again after an interruption still
 * finds them to make; a customer with more than a transaction holds has them made first.
 */
export async function deleteCustomer(deps: CatalogDeps, customer: Customer, now: string): Promise<void> {
  const [records, coupons] = await Promise.all([
    liveSubscriptionRecords(
      deps.catalog,
      customer.organizationId,
      (subscription) => subscription.customerId === customer.id,
    ),
    deps.catalog.appliedCouponsOf(customer.organizationId, customer.id),
  ]);
  const terminations = coupons.map((applied) => deps.catalog.appliedCouponTermination(applied, now));
  const last = [...terminations, ...deps.catalog.customerRemoval(customer)];
  if (last.length > TRANSACTION_WRITES) {
    await deps.catalog.writeInChunks(terminations, []);
    return endSubscriptionsWith(deps, records, now, deps.catalog.customerRemoval(customer));
  }
  await endSubscriptionsWith(deps, records, now, last);
}
