import { billingJob } from "#shared/contracts/billing-job.js";
import { eventBridgeClient } from "#shared/platform/aws-clients.js";
import { eventBus, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { periodChargeFees } from "#shared/usage/period-charge-fees.js";
import { eventBridgePublisher } from "../billing/domain-events.js";
import { type BillingDeps, runDueSubscription } from "../billing/run-due-subscription.js";
import { InvoiceStore } from "../store/invoice-store.js";

let deps: BillingDeps | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function dependencies(): BillingDeps {
  if (!deps) {
    const catalog = new CatalogStore();
    const events = new EventStore();
    const usage = new UsageStore();
    deps = {
      catalog,
      organizations: new OrganizationStore(),
      invoices: new InvoiceStore(),
      chargeFees: (subscription, plan, window, timezone) =>
        periodChargeFees({ catalog, events, usage }, subscription, plan, window, timezone),
      publish: eventBridgePublisher(eventBridgeClient(), resourceName(eventBus)),
    };
  }
  return deps;
}

export const handler = createQueueConsumer({
  service: "invoicing-worker",
  message: billingJob,
  handleMessage: async (job) => {
    await runDueSubscription(job, dependencies());
  },
});
