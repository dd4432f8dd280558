import type { Customer } from "#shared/domain/catalog.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { endSubscriptionsWith, liveSubscriptionRecords } from "../subscriptions/end-subscription.js";

/**
 * DELETE /customers/{external_customer_id}: its live subscriptions end now (and are billed), and
 * the customer moves to its tombstone, in one transaction when it fits (see
 * `endSubscriptionsWith`).
 */
export async function deleteCustomer(deps: CatalogDeps, customer: Customer, now: string): Promise<void> {
  const records = await liveSubscriptionRecords(
    deps.catalog,
    customer.organizationId,
    (subscription) => subscription.customerId === customer.id,
  );
  await endSubscriptionsWith(deps, records, now, deps.catalog.customerRemoval(customer));
}
