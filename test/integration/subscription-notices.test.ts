/**
 * The catalog owns subscriptions and tells invoicing of every change by a message; invoicing owns
 * its billing schedules and invoices. A change is never left untold: if the catalog's message is
 * lost (the function died after its write), the subscription stays due in the catalog's index and
 * the catalog clock tells invoicing on its next run. Time-driven transitions (a pending start, an
 * ending_at) are made by the catalog clock and billed by invoicing from the notice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedInstant } from "../../services/catalog/src/catalog-dates.js";
import type { CatalogDeps } from "../../services/catalog/src/catalog-deps.js";
import { catalogEventPublisher } from "../../services/catalog/src/events/catalog-publisher.js";
import { runCatalogClock } from "../../services/catalog/src/lifecycle/run-catalog-clock.js";
import { createSubscription } from "../../services/catalog/src/subscriptions/create-subscription.js";
import { closeDuePeriods } from "../../services/invoicing/src/billing/close-due-periods.js";
import { BillingScheduleStore } from "../../services/invoicing/src/store/billing-schedule-store.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { SubscriptionChanged } from "../../shared/src/contracts/invoicing-messages.js";
import { sqsClient } from "../../shared/src/platform/aws-clients.js";
import { billingJobsQueue, resourceName } from "../../shared/src/platform/resources.js";
import { enqueueMessages } from "../../shared/src/platform/sqs/send-messages.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { seedCatalog } from "../support/catalog-fixture.js";
import { billingDeps, deliverInvoicingInbox, dueJobs } from "../support/invoicing.js";

let aws: AwsHarness;
beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(() => aws.stop());

/** The catalog's use cases with the real queue, or a notifier that dies as a crashed function would. */
const catalogDeps = (notify: "sends" | "is lost"): CatalogDeps => ({
  catalog: new CatalogStore(),
  organizations: new OrganizationStore(),
  notifyInvoicing: async (changes: readonly SubscriptionChanged[]) => {
    if (notify === "is lost") throw new Error("the function died before sending");
    await enqueueMessages(
      sqsClient(),
      resourceName(billingJobsQueue),
      changes.map((c) => JSON.stringify(c)),
    );
  },
  publish: catalogEventPublisher(),
  requestProviderCustomers: async () => {},
});

async function bill(now: string, organizationId: string): Promise<void> {
  await deliverInvoicingInbox();
  for (const job of await dueJobs(now, organizationId)) await closeDuePeriods(billingDeps(), job, now);
}

describe("invoicing told of subscription changes", () => {
  it("a lost notice is sent by the next catalog clock run, and the subscription is billed", async () => {
    const seeded = await seedCatalog({ name: "Lost Notice", subscriptionAt: "2026-05-01T00:00:00Z" });
    await deliverInvoicingInbox();
    await expect(
      createSubscription(
        catalogDeps("is lost"),
        seeded.organizationId,
        {
          externalCustomerId: seeded.externalCustomerId,
          planCode: "pro",
          externalId: "sub_lost",
          name: null,
          subscriptionAt: storedInstant("2026-05-01T00:00:00.000Z"),
          endingAt: null,
          billingTime: "calendar",
        },
        "2026-05-01T08:00:00.000Z",
      ),
    ).rejects.toThrow("died");
    const catalog = new CatalogStore();
    const lost = await catalog.getSubscription(seeded.organizationId, "sub_lost");
    expect(lost?.status).toBe("active");
    // Invoicing has not heard of it.
    expect(await new BillingScheduleStore().get(seeded.organizationId, lost?.id as string)).toBeUndefined();

    const run = await runCatalogClock(catalogDeps("sends"), "2026-05-01T08:15:00.000Z");
    expect(run.settled).toBeGreaterThanOrEqual(1);
    await deliverInvoicingInbox();
    expect(await new BillingScheduleStore().get(seeded.organizationId, lost?.id as string)).toMatchObject({
      dueAt: "2026-06-01T00:00:00.000Z",
      billedThrough: null,
    });
    // Told, it is out of the catalog's due index: the next run tells nothing again.
    const record = await catalog.subscriptionRecord(seeded.organizationId, "sub_lost");
    expect(record?.dueAt).toBeNull();

    await bill("2026-06-01T00:00:00.000Z", seeded.organizationId);
    const invoices = (await new InvoiceStore().list(seeded.organizationId)).filter(
      (invoice) => invoice.externalSubscriptionId === "sub_lost",
    );
    expect(invoices.map((invoice) => [invoice.periodStartsAt, invoice.totalAmountCents])).toEqual([
      ["2026-05-01T00:00:00.000Z", 1000],
    ]);
  });

  it("a pending subscription is started by the catalog clock and billed from its start", async () => {
    const seeded = await seedCatalog({
      name: "Starts Later",
      subscriptionAt: "2026-05-10T00:00:00Z",
      at: "2026-05-02T09:00:00Z",
    });
    await deliverInvoicingInbox();
    const catalog = new CatalogStore();
    expect(
      (await catalog.getSubscription(seeded.organizationId, seeded.externalSubscriptionId))?.status,
    ).toBe("pending");
    // Nothing to bill while pending: no schedule is due.
    expect(
      (await new BillingScheduleStore().get(seeded.organizationId, seeded.subscriptionId))?.dueAt ?? null,
    ).toBeNull();
    await runCatalogClock(catalogDeps("sends"), "2026-05-02T09:15:00.000Z");
    await runCatalogClock(catalogDeps("sends"), "2026-05-10T00:00:00.000Z");
    const started = await catalog.subscriptionRecord(seeded.organizationId, seeded.externalSubscriptionId);
    expect(started?.subscription).toMatchObject({ status: "active", startedAt: "2026-05-10T00:00:00.000Z" });
    expect(started?.dueAt).toBeNull();
    await bill("2026-06-01T00:00:00.000Z", seeded.organizationId);
    const [invoice] = await new InvoiceStore().list(seeded.organizationId);
    // May 10–31: 22 of 31 days × 10.00 = 7.10 (rounded half up from 7.0967…).
    expect(invoice).toMatchObject({ periodStartsAt: "2026-05-01T00:00:00.000Z", totalAmountCents: 710 });
  });

  it("an ending_at the catalog clock reaches ends the subscription, and its last days are billed once", async () => {
    const seeded = await seedCatalog({ name: "Ends", subscriptionAt: "2026-05-01T00:00:00Z" });
    const catalog = new CatalogStore();
    const record = await catalog.subscriptionRecord(seeded.organizationId, seeded.externalSubscriptionId);
    if (!record) throw new Error("no subscription");
    await catalog.saveSubscription(
      record,
      { ...record.subscription, endingAt: "2026-05-16T00:00:00.000Z" },
      "2026-05-01T00:00:00.000Z",
    );
    await runCatalogClock(catalogDeps("sends"), "2026-05-01T00:15:00.000Z");
    await deliverInvoicingInbox();
    expect(await new BillingScheduleStore().get(seeded.organizationId, seeded.subscriptionId)).toMatchObject({
      dueAt: "2026-05-16T00:00:00.000Z",
    });
    // The billing clock and the catalog clock both reach the end: one invoice, for May 1–16.
    await bill("2026-05-16T00:00:00.000Z", seeded.organizationId);
    await runCatalogClock(catalogDeps("sends"), "2026-05-16T00:00:00.000Z");
    await bill("2026-05-16T00:15:00.000Z", seeded.organizationId);
    const ended = await catalog.subscriptionRecord(seeded.organizationId, seeded.externalSubscriptionId);
    expect(ended?.subscription).toMatchObject({ status: "terminated", terminationReason: "ended" });
    const invoices = await new InvoiceStore().list(seeded.organizationId);
    // May 1–16, both days included: 16 of 31 days × 10.00 = 5.16.
    expect(invoices.map((invoice) => invoice.totalAmountCents)).toEqual([516]);
    expect(await new BillingScheduleStore().get(seeded.organizationId, seeded.subscriptionId)).toMatchObject({
      dueAt: null,
    });
  });
});
