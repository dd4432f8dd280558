import { describe, expect, it } from "vitest";
import { subscription } from "#shared/serializers/test-fixtures.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { StoredEvent } from "#shared/store/event-store.js";
import { serializeEvents } from "./event-routes.js";

const event: StoredEvent = {
  lagoId: "ev-1",
  transactionId: "tx-1",
  externalSubscriptionId: subscription.externalId,
  code: "requests",
  timestamp: "2026-03-02T10:00:00.000Z",
  properties: { count: 3, region: "eu" },
  preciseTotalAmountCents: null,
  receivedAt: "2026-03-02T10:00:01.000Z",
  organizationId: subscription.organizationId,
  unitId: "unit-1",
  placement: {
    aggregated: true,
    subscriptionId: subscription.id,
    periodStartsAt: "2026-03-01T05:00:00.000Z",
    periodEndsAt: "2026-04-01T04:00:00.000Z",
    timezone: "America/New_York",
    bucket: { filters: { region: "eu" }, groups: {} },
    bucketKey: "",
  },
};

const catalog = {
  getSubscription: async () => subscription,
} as unknown as CatalogStore;

describe("event serializer", () => {
  it("shows the customer and subscription an event was counted for", async () => {
    expect(await serializeEvents([event], catalog)).toEqual([
      {
        lago_id: "ev-1",
        transaction_id: "tx-1",
        lago_customer_id: subscription.customerId,
        code: "requests",
        timestamp: "2026-03-02T10:00:00.000Z",
        properties: { count: 3, region: "eu" },
        lago_subscription_id: subscription.id,
        external_subscription_id: subscription.externalId,
        precise_total_amount_cents: null,
        created_at: "2026-03-02T10:00:01.000Z",
      },
    ]);
  });

  it("shows neither for an event never counted", async () => {
    const unplaced: StoredEvent = { ...event, placement: { aggregated: false, reason: "metric_not_found" } };
    const [shown] = await serializeEvents([unplaced], catalog);
    expect([shown?.lago_customer_id, shown?.lago_subscription_id]).toEqual([null, null]);
  });
});
