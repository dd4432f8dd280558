/** Both clocks as the deployed schedule runs them, on the harness: the catalog's, then billing's. */
import type { CatalogDeps } from "../../services/catalog/src/catalog-deps.js";
import { catalogEventPublisher } from "../../services/catalog/src/events/catalog-publisher.js";
import { runCatalogClock } from "../../services/catalog/src/lifecycle/run-catalog-clock.js";
import { enqueueProviderCustomers } from "../../services/catalog/src/provider-customers/provider-customers-queue.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import type { SubscriptionChanged } from "../../shared/src/contracts/invoicing-messages.js";
import { sqsClient } from "../../shared/src/platform/aws-clients.js";
import { billingJobsQueue, resourceName } from "../../shared/src/platform/resources.js";
import { enqueueMessages } from "../../shared/src/platform/sqs/send-messages.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { testContext } from "./api-events.js";
import { deliverClockScans, deliverInvoicingInbox } from "./invoicing.js";

/** The catalog clock's dependencies, telling invoicing through its real inbox. */
export const catalogClockDeps = (): CatalogDeps => ({
  catalog: new CatalogStore(),
  organizations: new OrganizationStore(),
  notifyInvoicing: async (changes: readonly SubscriptionChanged[]) => {
    await enqueueMessages(
      sqsClient(),
      resourceName(billingJobsQueue),
      changes.map((change) => JSON.stringify(change)),
    );
  },
  publish: catalogEventPublisher(),
  requestProviderCustomers: enqueueProviderCustomers,
});

/**
 * Both clocks at `now`: the catalog's (activations, switches of waiting downgrades, endings),
 * then the billing clock's scans and jobs, each inbox drained.
 */
export async function clocksRun(now: string): Promise<void> {
  await runCatalogClock(catalogClockDeps(), now);
  await deliverInvoicingInbox();
  await clock({ now }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
}
