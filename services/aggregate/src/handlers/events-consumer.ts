import { eventsMessage } from "#shared/contracts/events-message.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { storeAndAggregate } from "../events/store-and-aggregate.js";
import { cachedCatalogLookups } from "../events/subscription-context.js";

let deps: Parameters<typeof storeAndAggregate>[1] | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function dependencies() {
  deps ??= {
    events: new EventStore(),
    usage: new UsageStore(),
    catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
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
