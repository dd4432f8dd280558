/** Usage as the events consumer stores it: one delivery of `usage` events at the given instants. */
import { randomUUID } from "node:crypto";
import { storeAndAggregate } from "../../services/aggregate/src/events/store-and-aggregate.js";
import { cachedCatalogLookups } from "../../services/aggregate/src/events/subscription-context.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";

/** One event of the `usage` metric per timestamp, received when it happened; late usage is not told. */
export async function sendUsage(
  organizationId: string,
  externalSubscriptionId: string,
  timestamps: string[],
) {
  await storeAndAggregate(
    {
      unitId: randomUUID(),
      organizationId,
      events: timestamps.map((timestamp) => ({
        lagoId: randomUUID(),
        transactionId: randomUUID(),
        externalSubscriptionId,
        code: "usage",
        timestamp,
        properties: {},
        preciseTotalAmountCents: null,
        receivedAt: timestamp,
      })),
    },
    {
      events: new EventStore(),
      usage: new UsageStore(),
      catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
      reportLateUsage: async () => undefined,
    },
  );
}
