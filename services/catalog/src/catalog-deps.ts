import type { BillingJob } from "#shared/contracts/billing-job.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";

/** What the catalog's use cases work with. */
export interface CatalogDeps {
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  /**
   * Asks the invoicing workers to bill subscriptions now (a termination's final invoice). Only a
   * nudge: a terminated subscription is due at once, so the billing clock bills it anyway.
   */
  readonly requestBilling: (jobs: readonly BillingJob[]) => Promise<void>;
}
