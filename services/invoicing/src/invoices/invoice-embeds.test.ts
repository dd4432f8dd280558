import { describe, expect, it } from "vitest";
import type { Customer, Plan, Subscription } from "#shared/domain/catalog.js";
import type { Invoice } from "#shared/domain/invoice.js";
import { customer, organization, plan, subscription } from "#shared/serializers/test-fixtures.js";
import type { SubscriptionRecord } from "#shared/store/catalog-store.js";
import { type EmbedSources, invoiceEmbeds } from "./invoice-embeds.js";

const invoiceOf = (id: string, sub: Subscription): Invoice =>
  ({
    id,
    organizationId: organization.id,
    customerId: sub.customerId,
    externalCustomerId: sub.externalCustomerId,
    subscriptionId: sub.id,
    externalSubscriptionId: sub.externalId,
  }) as Invoice;

/** A catalog holding the fixtures, counting its reads. */
function catalogOf(customers: Customer[], subscriptions: Subscription[], plans: Plan[]) {
  const reads: string[] = [];
  const catalog: EmbedSources["catalog"] = {
    customerOf: async (ref) => {
      reads.push(`customer ${ref.customerId}`);
      return customers.find((c) => c.id === ref.customerId);
    },
    subscriptionRecord: async (_org, externalId, id) => {
      reads.push(`subscription ${id}`);
      const found = subscriptions.find((s) => s.externalId === externalId && s.id === id);
      return found && ({ subscription: found } as SubscriptionRecord);
    },
    planOf: async (sub) => {
      reads.push(`plan ${sub.planId}`);
      return plans.find((p) => p.id === sub.planId);
    },
  };
  return { catalog, reads };
}

describe("invoice embeds", () => {
  it("read each customer, subscription and plan once, and show the period open at the time shown", async () => {
    const { catalog, reads } = catalogOf([customer], [subscription], [plan]);
    const invoices = [invoiceOf("i1", subscription), invoiceOf("i2", subscription)];
    const embeds = await invoiceEmbeds({ catalog, organization }, invoices, "2026-03-15T12:00:00.000Z");
    expect(reads).toEqual([`customer ${customer.id}`, `subscription ${subscription.id}`, `plan ${plan.id}`]);
    const first = embeds.get("i1");
    expect(first?.customer).toBe(customer);
    expect(first?.organization).toBe(organization);
    expect(first?.subscriptions.map((view) => [view.plan.code, view.currentPeriod?.fromDate])).toEqual([
      ["startup", "2026-03-01"],
    ]);
    expect(embeds.get("i2")).toEqual(first);
  });

  it("show no open period for a subscription that ended, and no embeds when the catalog lost it", async () => {
    const ended = { ...subscription, id: "ended", externalId: "old", status: "terminated" as const };
    const { catalog } = catalogOf([customer], [ended], [plan]);
    const embeds = await invoiceEmbeds(
      { catalog, organization },
      [invoiceOf("i1", ended), invoiceOf("i2", subscription)],
      "2026-03-15T12:00:00.000Z",
    );
    expect(embeds.get("i1")?.subscriptions[0]?.currentPeriod).toBeNull();
    expect(embeds.has("i2")).toBe(false);
  });
});
