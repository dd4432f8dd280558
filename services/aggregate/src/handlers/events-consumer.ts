import { eventsMessage } from "#shared/contracts/events-message.js";
import type { UsageChanged } from "#shared/contracts/invoicing-messages.js";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { stringifyJson } from "#shared/platform/json/json-text.js";
import { billingJobsQueue, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { type StoreAndAggregateDeps, storeAndAggregate } from "../events/store-and-aggregate.js";
import { cachedCatalogLookups } from "../events/subscription-context.js";

let deps: StoreAndAggregateDeps | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function dependencies(): StoreAndAggregateDeps {
  deps ??= {
    events: new EventStore(),
    usage: new UsageStore(),
    catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
    // Invoicing owns invoices: it is told, and redoes the period's invoice if still a draft.
    reportLateUsage: async (organizationId, subscriptionId, periodStartsAt) => {
      const message: UsageChanged = { kind: "usage_changed", organizationId, subscriptionId, periodStartsAt };
      await enqueueMessages(sqsClient(), resourceName(billingJobsQueue), [JSON.stringify(message)]);
    },
    // Pay-in-advance charges are billed by invoicing, event by event, as soon as they are stored.
    handOverPayInAdvance: async (messages) => {
      await enqueueMessages(
        sqsClient(),
        resourceName(billingJobsQueue),
        // Properties keep numbers beyond doubles exactly, as the events queue does.
        messages.map((message) => stringifyJson(message)),
      );
    },
  };
  return deps;
}

export const handler = createQueueConsumer({
  service: "aggregate-consumer",
  message: eventsMessage,
  handleMessage: async (unit) => {
    await storeAndAggregate(unit, dependencies());
  },
});
