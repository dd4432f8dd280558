import { createLogger } from "#shared/platform/logger.js";
import type { OwedProviderCustomer } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";

const logger = createLogger("catalog-provider-customers");

/**
 * Sends each owed provider customer to the provider-customers queue, then marks it sent (no
 * longer owed). A crash in between leaves it owed: sent again by the catalog clock, and a second
 * message creates nothing more (the consumer is idempotent).
 */
export async function sendOwedProviderCustomers(
  deps: Pick<CatalogDeps, "catalog" | "requestProviderCustomers">,
  owed: readonly OwedProviderCustomer[],
): Promise<number> {
  if (owed.length === 0) return 0;
  await deps.requestProviderCustomers(owed);
  await Promise.all(owed.map((entry) => deps.catalog.providerCustomerSent(entry)));
  return owed.length;
}

/**
 * Sends what a request's change owes once the change is written. The change is done whatever SQS
 * answers: what was not sent stays owed, and the catalog clock's next run sends it.
 */
export async function sendAfterChange(
  deps: Pick<CatalogDeps, "catalog" | "requestProviderCustomers">,
  owed: readonly OwedProviderCustomer[],
): Promise<void> {
  try {
    await sendOwedProviderCustomers(deps, owed);
  } catch (error) {
    logger.warn("owed provider customers left to the catalog clock", {
      error: error instanceof Error ? error.message : String(error),
      customers: owed.map((entry) => entry.customerId),
    });
  }
}
