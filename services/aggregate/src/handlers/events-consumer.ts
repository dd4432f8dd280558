import { eventsMessage } from "#shared/contracts/events-message.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { billingTable, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { flagDraftForRefresh } from "#shared/store/invoice-keys.js";
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
    flagDraftForRefresh: async (organizationId, subscriptionId, periodStartsAt) => {
      await flagDraftForRefresh(
        documentClient(),
        resourceName(billingTable),
        organizationId,
        subscriptionId,
        periodStartsAt,
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
