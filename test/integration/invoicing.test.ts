import { randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as eventsConsumer } from "../../services/aggregate/src/handlers/events-consumer.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { runDueSubscription } from "../../services/invoicing/src/billing/close-due-periods.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { CloseDue } from "../../shared/src/contracts/invoicing-messages.js";
import type { Invoice } from "../../shared/src/domain/invoice.js";
import { billingWindow, subscriptionPeriodAt } from "../../shared/src/domain/subscription-periods.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore } from "../../shared/src/store/event-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";
import { periodChargeFees } from "../../shared/src/usage/period-charge-fees.js";
import { invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type BusObserver, observeInvoicingEvents } from "../support/bus-observer.js";
import { type SeedOptions, seedCatalog as seedCatalogOnly } from "../support/catalog-fixture.js";
import {
  billingDeps as closeDeps,
  deliverClockScans,
  deliverInvoicingInbox,
  dueJobs,
} from "../support/invoicing.js";
import { sqsEvent } from "../support/sqs-events.js";
import { sendUsage } from "../support/usage.js";

let aws: AwsHarness;
let bus: BusObserver;

beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await observeInvoicingEvents();
});
afterAll(async () => {
  bus.stop();
  await aws.stop();
});

/** A billable setup made through the catalog's API, and invoicing told of it. */
async function seedCatalog(options: SeedOptions) {
  const seeded = await seedCatalogOnly(options);
  await deliverInvoicingInbox();
  return seeded;
}

const takeObservedEvents = () => bus.take();

describe("billing clock and workers", () => {
  it("bills a closed period once, in the customer's timezone, with prorated base fee and usage", async () => {
    const seeded = await seedCatalog({
      name: "Paris Co",
      timezone: "Europe/Paris",
      subscriptionAt: "2026-03-15T10:00:00Z",
      planAmountCents: 3100,
      unitPrice: "0.25",
    });
    await sendUsage(seeded.organizationId, seeded.externalSubscriptionId, [
      "2026-03-20T00:00:00.000Z",
      "2026-03-31T21:59:59.000Z",
      // 22:00 UTC on Mar 31 is already April 1st in Paris: next period.
      "2026-03-31T22:00:00.000Z",
    ]);
    expect(await dueJobs("2026-03-31T21:59:59.999Z", seeded.organizationId)).toEqual([]);
    const jobs = await dueJobs("2026-03-31T22:00:00.000Z", seeded.organizationId);
    expect(jobs).toHaveLength(1);

    // A job delivered three times makes one invoice.
    const job = jobs[0] as CloseDue;
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await runDueSubscription(job, closeDeps()));
    expect(counts).toEqual([1, 0, 0]);

    const invoices = await new InvoiceStore().list(seeded.organizationId);
    expect(invoices).toHaveLength(1);
    const invoice = invoices[0];
    expect(invoice).toMatchObject({
      status: "finalized",
      issuingDate: "2026-04-01",
      number: expect.stringMatching(/^PAR-[0-9A-F]{4}-001-001$/),
      sequentialId: 1,
      currency: "EUR",
      timezone: "Europe/Paris",
      // 17 of 31 days × 31.00 = 17.00, plus 2 units × 0.25.
      feesAmountCents: 1700 + 50,
      totalAmountCents: 1750,
      paymentStatus: "pending",
    });
    expect(invoice?.fees.map((fee) => [fee.feeType, fee.units, fee.amountCents])).toEqual([
      ["subscription", "1.0", 1700],
      ["charge", "2.0", 50],
    ]);
    expect(await dueJobs("2026-04-15T00:00:00.000Z", seeded.organizationId)).toEqual([]);
    const published = await takeObservedEvents();
    expect(
      published.filter((e) => e.detail.invoice.lago_id === invoice?.id).map((e) => e["detail-type"]),
    ).toEqual(["invoice.created"]);
  });

  it("catches up every missed period with gapless numbers, and runs through the real clock and worker", async () => {
    const seeded = await seedCatalog({ name: "Late Inc", subscriptionAt: "2026-01-01T00:00:00Z" });
    const now = "2026-04-02T08:15:00.000Z";
    const run = (await clock({ now }, testContext())) as { scans: number };
    // The clock fans out one scan per shard; the scanners hand one job per due subscription to
    // the workers, which catch it up.
    expect(run.scans).toBe(4);
    expect(await deliverClockScans()).toBe(4);
    expect(await deliverInvoicingInbox()).toBeGreaterThanOrEqual(1);
    const invoices = (await new InvoiceStore().list(seeded.organizationId)).reverse();
    expect(invoices.map((i) => [i.issuingDate, i.number.slice(-7), i.totalAmountCents])).toEqual([
      ["2026-02-01", "001-001", 1000],
      ["2026-03-01", "001-002", 1000],
      ["2026-04-01", "001-003", 1000],
    ]);
  });

  // moto_server serves requests on threads without locking its tables, so two truly simultaneous
  // conditional writes can both pass there, which DynamoDB never allows. Races are therefore played
  // as exact interleavings: the second run acts on what it read before the first run wrote.
  it("saves one invoice when a second run checked for it before the first run wrote it", async () => {
    const seeded = await seedCatalog({ name: "Racer", subscriptionAt: "2026-05-01T00:00:00Z" });
    const [job] = await dueJobs("2026-06-01T00:00:00.000Z", seeded.organizationId);
    await runDueSubscription(job as CloseDue, closeDeps());
    class StaleInvoices extends InvoiceStore {
      private stale = true;
      override async get(organizationId: string, id: string) {
        if (this.stale) {
          this.stale = false;
          return undefined;
        }
        return super.get(organizationId, id);
      }
    }
    const [invoice] = await new InvoiceStore().list(seeded.organizationId);
    const again = await new StaleInvoices().saveOnce(
      { ...(invoice as Invoice), number: "X" },
      {
        counter: `invoice#customer#${invoice?.customerId}`,
        format: (n) => `N-${n}`,
      },
    );
    expect(again.created).toBe(false);
    expect(again.invoice.number).toBe(invoice?.number);
    const after = await new InvoiceStore().list(seeded.organizationId);
    expect(after.map((i) => [i.number, i.sequentialId])).toEqual([[invoice?.number, 1]]);
  });

  it("numbers two invoices of one customer that read the counter at the same moment: 1 and 2", async () => {
    const first = await seedCatalog({ name: "Twin", subscriptionAt: "2026-05-01T00:00:00Z" });
    const { organizationId, apiKey } = first;
    const second = await invoke(catalogApi, "POST /api/v1/subscriptions", {
      apiKey,
      at: "2026-05-01T00:00:00Z",
      body: {
        subscription: {
          external_customer_id: first.externalCustomerId,
          plan_code: "pro",
          external_id: "sub_2",
          subscription_at: "2026-05-01T00:00:00Z",
        },
      },
    });
    expect(second.status).toBe(200);
    await deliverInvoicingInbox();
    const jobs = await dueJobs("2026-06-01T00:00:00.000Z", organizationId);
    expect(jobs).toHaveLength(2);
    // The second job reads the counter, then the first job's invoice takes number 1 before the
    // second writes: its transaction must fail on the counter and retry with number 2.
    let interleaved = false;
    class InterleavedInvoices extends InvoiceStore {
      protected override async readCounter(key: { pk: string; sk: string }) {
        const value = await super.readCounter(key);
        if (!interleaved) {
          interleaved = true;
          await runDueSubscription(jobs[0] as CloseDue, closeDeps());
        }
        return value;
      }
    }
    await runDueSubscription(jobs[1] as CloseDue, {
      ...closeDeps(),
      invoices: new InterleavedInvoices(),
    });
    const invoices = await new InvoiceStore().list(organizationId);
    expect(invoices.map((i) => i.sequentialId).sort()).toEqual([1, 2]);
    expect(new Set(invoices.map((i) => i.number)).size).toBe(2);
  });

  it("makes a draft without a number when the customer has a grace period", async () => {
    const seeded = await seedCatalog({
      name: "Graceful",
      subscriptionAt: "2026-07-01T00:00:00Z",
      gracePeriodDays: 3,
    });
    const [job] = await dueJobs("2026-08-01T00:00:00.000Z", seeded.organizationId);
    await runDueSubscription(job as CloseDue, closeDeps());
    const [draft] = await new InvoiceStore().list(seeded.organizationId);
    expect(draft).toMatchObject({
      status: "draft",
      sequentialId: null,
      number: expect.stringMatching(/^GRA-[0-9A-F]{4}-DRAFT$/),
      issuingDate: "2026-08-04",
    });
    const published = await takeObservedEvents();
    expect(
      published.filter((e) => e.detail.invoice.lago_id === draft?.id).map((e) => e["detail-type"]),
    ).toEqual(["invoice.drafted"]);
  });

  it("flags a draft for refresh when a late event lands in its period (told by the usage side), and leaves finalized invoices alone", async () => {
    const drafted = await seedCatalog({
      name: "Drafty",
      subscriptionAt: "2026-07-01T00:00:00Z",
      gracePeriodDays: 3,
    });
    const finalized = await seedCatalog({ name: "Final", subscriptionAt: "2026-07-01T00:00:00Z" });
    for (const seeded of [drafted, finalized]) {
      const [job] = await dueJobs("2026-08-01T00:00:00.000Z", seeded.organizationId);
      await runDueSubscription(job as CloseDue, closeDeps());
    }
    const julyInvoice = async (organizationId: string) => (await new InvoiceStore().list(organizationId))[0];
    // Through the events consumer, as deployed: August usage first, then a late July event.
    const deliver = async (organizationId: string, externalSubscriptionId: string, timestamp: string) => {
      const body = JSON.stringify({
        unitId: randomUUID(),
        organizationId,
        receivedAt: "2026-08-02T00:00:00.000Z",
        events: [[randomUUID(), externalSubscriptionId, "usage", timestamp, {}, null]],
      });
      const answer = (await eventsConsumer(sqsEvent([body]), testContext())) as SQSBatchResponse;
      expect(answer.batchItemFailures).toEqual([]);
      // The consumer tells invoicing of the late period; invoicing flags its own draft.
      await deliverInvoicingInbox();
    };

    await deliver(drafted.organizationId, drafted.externalSubscriptionId, "2026-08-01T12:00:00.000Z");
    expect(await julyInvoice(drafted.organizationId)).toMatchObject({ status: "draft" });
    expect((await julyInvoice(drafted.organizationId))?.readyToBeRefreshed).toBeUndefined();

    await deliver(drafted.organizationId, drafted.externalSubscriptionId, "2026-07-20T12:00:00.000Z");
    expect(await julyInvoice(drafted.organizationId)).toMatchObject({
      status: "draft",
      readyToBeRefreshed: true,
    });

    await deliver(finalized.organizationId, finalized.externalSubscriptionId, "2026-07-20T12:00:00.000Z");
    const final = await julyInvoice(finalized.organizationId);
    expect(final).toMatchObject({ status: "finalized" });
    expect(final?.readyToBeRefreshed).toBeUndefined();
    // The late event still counts in July's usage (past_usage shows it), not in August's.
    const catalog = new CatalogStore();
    const subscription = await catalog.getSubscription(
      finalized.organizationId,
      finalized.externalSubscriptionId,
    );
    const plan = subscription && (await catalog.planOf(subscription));
    if (!subscription || !plan) throw new Error("seeded subscription missing");
    const july = subscriptionPeriodAt(subscription, plan, "UTC", "2026-07-15T00:00:00.000Z");
    const julyFees = await periodChargeFees(
      { catalog, events: new EventStore(), usage: new UsageStore() },
      subscription,
      plan,
      billingWindow(subscription, july, "UTC"),
      "UTC",
    );
    expect(julyFees.map((fee) => fee.units.toString())).toEqual(["1"]);
  });
});

describe("invoices API", () => {
  it("lists an organization's invoices with filters and pagination, and hides them from others", async () => {
    const seeded = await seedCatalog({ name: "Lister", subscriptionAt: "2026-01-01T00:00:00Z" });
    const [job] = await dueJobs("2026-04-01T00:00:00.000Z", seeded.organizationId);
    await runDueSubscription(job as CloseDue, closeDeps());
    const list = (query: string, apiKey = seeded.apiKey) =>
      invoke(invoicingApi, "GET /api/v1/invoices", { apiKey, query });

    const all = await list("");
    expect(all.status).toBe(200);
    expect((all.body.invoices as Array<{ issuing_date: string }>).map((i) => i.issuing_date)).toEqual([
      "2026-04-01",
      "2026-03-01",
      "2026-02-01",
    ]);
    expect(all.body.meta).toEqual({
      current_page: 1,
      next_page: null,
      prev_page: null,
      total_pages: 1,
      total_count: 3,
    });

    const page = await list("per_page=2&page=2");
    expect((page.body.invoices as unknown[]).length).toBe(1);
    expect(page.body.meta).toMatchObject({ current_page: 2, prev_page: 1, total_pages: 2 });
    const filtered = await list("issuing_date_from=2026-03-01&issuing_date_to=2026-03-31&status=finalized");
    expect((filtered.body.invoices as Array<{ number: string }>).map((i) => i.number)).toHaveLength(1);
    expect((await list(`external_customer_id=nobody`)).body.meta).toMatchObject({
      total_count: 0,
      current_page: 0,
    });
    expect((await list("status=paid")).status).toBe(422);

    const id = (all.body.invoices as Array<{ lago_id: string }>)[0]?.lago_id as string;
    const one = await invoke(invoicingApi, "GET /api/v1/invoices/{lago_id}", {
      apiKey: seeded.apiKey,
      params: { lago_id: id },
    });
    expect((one.body.invoice as { lago_id: string }).lago_id).toBe(id);

    const other = await seedCatalog({ name: "Other", subscriptionAt: "2026-01-01T00:00:00Z" });
    expect((await list("", other.apiKey)).body.invoices).toEqual([]);
    const hidden = await invoke(invoicingApi, "GET /api/v1/invoices/{lago_id}", {
      apiKey: other.apiKey,
      params: { lago_id: id },
    });
    expect(hidden).toEqual({
      status: 404,
      body: { status: 404, error: "Not Found", code: "invoice_not_found" },
    });
  });
});
