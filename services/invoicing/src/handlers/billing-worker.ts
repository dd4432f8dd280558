import { billingJob } from "#shared/contracts/billing-job.js";
import { eventBridgeClient } from "#shared/platform/aws-clients.js";
import { eventBus, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { type CloseDeps, closeSubscriptionPeriods } from "../billing/close-subscription-periods.js";
import { eventBridgePublisher } from "../billing/domain-events.js";
import { InvoiceStore } from "../store/invoice-store.js";

let deps: CloseDeps | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function dependencies(): CloseDeps {
  deps ??= {
    catalog: new CatalogStore(),
    organizations: new OrganizationStore(),
    usage: new UsageStore(),
    invoices: new InvoiceStore(),
    publish: eventBridgePublisher(eventBridgeClient(), resourceName(eventBus)),
  };
  return deps;
}

export const handler = createQueueConsumer({
  service: "invoicing-worker",
  message: billingJob,
  handleMessage: async (job) => {
    await closeSubscriptionPeriods(job, dependencies());
  },
});
