/**
 * The credit note a termination makes of the unused days of a base fee paid in advance, through
 * the catalog's API, invoicing's inbox and the termination invoice's outbox on moto: Lago's
 * February figures in UTC and in Los Angeles, `skip`, `refund` of a paid invoice, and the note
 * made once when the publication runs again, after a crash on either side of the note.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import type { BillingDeps } from "../../services/invoicing/src/billing/close-due-periods.js";
import { scheduleSubscription } from "../../services/invoicing/src/billing/schedule-subscription.js";
import {
  creditUnusedAdvanceFee,
  terminationCreditNoteKey,
} from "../../services/invoicing/src/credit-notes/credit-unused-advance-fee.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { publishInvoiceEvents } from "../../services/invoicing/src/invoices/publish-invoice-events.js";
import { CreditNoteStore } from "../../services/invoicing/src/store/credit-note-store.js";
import {
  InvoiceStore,
  owedEvents,
  type StoredInvoice,
} from "../../services/invoicing/src/store/invoice-store.js";
import { invoicingMessage } from "../../shared/src/contracts/invoicing-messages.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type BusObserver, observeInvoicingEvents } from "../support/bus-observer.js";
import { billingDeps, deliverInvoicingInbox } from "../support/invoicing.js";

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

/** Lago's scenario: the subscription starts at 8 February 2023's first instant, UTC… */
const FEB_8 = "2023-02-08T00:00:00.000Z";
/** …and is terminated later that day (still 7 February in Los Angeles, where it started on the 7th). */
const TERMINATED_AT = "2023-02-08T06:00:00.000Z";

/** An organization with a 20 % tax, a 50.00 monthly plan paid in advance, and one customer. */
async function seed(name: string, timezone?: string) {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: FEB_8 });
  const call = async (routeKey: string, body: unknown, options: { at?: string; query?: string } = {}) => {
    const answer = await invoke(catalogApi, routeKey, {
      apiKey,
      body,
      at: options.at ?? FEB_8,
      query: options.query,
      params: { external_id: "sub_1" },
    });
    return answer;
  };
  const ok = async (routeKey: string, body: unknown) => {
    const answer = await call(routeKey, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  await ok("POST /api/v1/taxes", {
    tax: { name: "VAT", code: "vat_20", rate: "20", applied_to_organization: true },
  });
  await ok("POST /api/v1/plans", {
    plan: {
      name: "Pro",
      code: "pro",
      interval: "monthly",
      amount_cents: 5000,
      amount_currency: "EUR",
      pay_in_advance: true,
    },
  });
  await ok("POST /api/v1/customers", {
    customer: { external_id: "cus_1", name: "Customer", ...(timezone ? { timezone } : {}) },
  });
  await ok("POST /api/v1/subscriptions", {
    subscription: { external_customer_id: "cus_1", plan_code: "pro", external_id: "sub_1" },
  });
  await deliverInvoicingInbox();
  /** Terminates the subscription through the API; its notice is left in invoicing's inbox. */
  const terminate = (query = "", at = TERMINATED_AT) =>
    call("DELETE /api/v1/subscriptions/{external_id}", undefined, { at, query });
  const opening = async () => {
    const [invoice] = await new InvoiceStore().list(organization.id);
    return invoice as StoredInvoice;
  };
  return { organizationId: organization.id, apiKey, terminate, opening };
}

const creditNotesOf = async (organizationId: string) => new CreditNoteStore().list(organizationId);

/** The termination invoice of the organization's only subscription. */
async function terminationInvoice(organizationId: string): Promise<StoredInvoice> {
  const invoices = await new InvoiceStore().list(organizationId);
  const found = invoices.find(
    (invoice) => invoice.billingPeriods?.[0]?.invoicingReason === "subscription_terminating",
  );
  if (!found) throw new Error("no termination invoice");
  return found;
}

class Crash extends Error {
  constructor() {
    super("Lambda timed out");
  }
}

/**
 * Hands the catalog's subscription notices waiting in invoicing's inbox to its scheduling with
 * `deps`, as the worker would, deleting each one handled (a crash leaves it for redelivery).
 */
async function scheduleWith(deps: BillingDeps): Promise<void> {
  const sqs = new SQSClient({});
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: process.env.BILLING_JOBS_QUEUE_URL as string,
          MaxNumberOfMessages: 10,
        }),
      );
      if (Messages.length === 0) return;
      for (const raw of Messages) {
        const message = invoicingMessage.parse(JSON.parse(raw.Body as string));
        if (message.kind !== "subscription_changed") throw new Error(`unexpected ${message.kind}`);
        await scheduleSubscription(deps, message);
        await sqs.send(
          new DeleteMessageCommand({
            QueueUrl: process.env.BILLING_JOBS_QUEUE_URL as string,
            ReceiptHandle: raw.ReceiptHandle as string,
          }),
        );
      }
    }
  } finally {
    sqs.destroy();
  }
}

/** Leases are taken on the wall clock: a run after a crash comes once the dead run's lease is over. */
const afterLease = () => Date.now() + 181_000;

describe("a termination's credit note of the unused days paid in advance", () => {
  it("UTC: 20 of 28 days, 3571 + 714 = 4285 credited on the invoice that billed 4500, told once", async () => {
    const { organizationId, apiKey, terminate, opening } = await seed("Credit UTC");
    const billed = await opening();
    expect(billed).toMatchObject({ status: "finalized", totalAmountCents: 4500 });
    await bus.take();
    const answer = await terminate();
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    await deliverInvoicingInbox();
    expect((await terminationInvoice(organizationId)).totalAmountCents).toBe(0);

    const notes = await creditNotesOf(organizationId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      invoiceId: billed.id,
      origin: "termination",
      reason: "order_cancellation",
      items: [{ feeId: billed.fees[0]?.id, amountCents: 3571 }],
      subTotalExcludingTaxesAmountCents: 3571,
      taxesAmountCents: 714,
      totalAmountCents: 4285,
      creditAmountCents: 4285,
      refundAmountCents: 0,
      balanceAmountCents: 4285,
      creditStatus: "available",
      issuingDate: "2023-02-08",
    });
    // As the API shows it, and the invoice it credits.
    const listed = await invoke(invoicingApi, "GET /api/v1/credit_notes", { apiKey, at: FEB_8 });
    expect(listed.body.credit_notes).toEqual([
      expect.objectContaining({
        lago_invoice_id: billed.id,
        number: `${billed.number}-CN001`,
        reason: "order_cancellation",
        total_amount_cents: 4285,
        credit_amount_cents: 4285,
      }),
    ]);
    expect((await new InvoiceStore().get(organizationId, billed.id))?.creditNotes).toMatchObject({
      count: 1,
      creditAmountCents: 4285,
      keys: [terminationCreditNoteKey((await terminationInvoice(organizationId)).id)],
    });
    const published = (await bus.take()).map((event) => event["detail-type"]);
    expect(published.filter((type) => type === "credit_note.created")).toHaveLength(1);
    expect(published.filter((type) => type === "subscription.advance_fee_unused")).toHaveLength(1);
  });

  it("Los Angeles (February 7 there): the invoice billed 22 days, 4715; the 21 left, 3750 + 750 = 4500, as Lago", async () => {
    const { organizationId, terminate, opening } = await seed("Credit LA", "America/Los_Angeles");
    const billed = await opening();
    expect(billed).toMatchObject({ totalAmountCents: 4715, subTotalExcludingTaxesAmountCents: 3929 });
    expect((await terminate()).status).toBe(200);
    await deliverInvoicingInbox();
    const notes = await creditNotesOf(organizationId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      invoiceId: billed.id,
      items: [{ amountCents: 3750 }],
      subTotalExcludingTaxesAmountCents: 3750,
      taxesAmountCents: 750,
      totalAmountCents: 4500,
      creditAmountCents: 4500,
      issuingDate: "2023-02-07",
    });
  });

  it("skip: none, the choice recorded on the subscription; an unknown choice is Lago's 422, ending nothing", async () => {
    const { organizationId, terminate } = await seed("Credit Skip");
    const refused = await terminate("on_termination_credit_note=later");
    expect(refused).toEqual({
      status: 422,
      body: {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { on_termination_credit_note: ["invalid_value"] },
      },
    });
    expect((await new CatalogStore().subscriptionRecord(organizationId, "sub_1"))?.subscription.status).toBe(
      "active",
    );
    expect((await terminate("on_termination_credit_note=skip")).status).toBe(200);
    await deliverInvoicingInbox();
    expect(
      (await new CatalogStore().subscriptionRecord(organizationId, "sub_1"))?.subscription,
    ).toMatchObject({ status: "terminated", onTerminationCreditNote: "skip" });
    // The unused days are still told of; no note gives them back.
    const termination = await terminationInvoice(organizationId);
    expect(termination.unusedAdvanceFee).toMatchObject({ amountCents: 3571 });
    expect(owedEvents(termination)).toEqual([]);
    expect(await creditNotesOf(organizationId)).toEqual([]);
  });

  it("refund of the invoice paid in full: what was paid for the 20 days back (4285), pending, nothing credited", async () => {
    const { organizationId, apiKey, terminate, opening } = await seed("Credit Refund");
    const billed = await opening();
    const paid = await invoke(invoicingApi, "POST /api/v1/payments", {
      apiKey,
      at: "2023-02-08T01:00:00.000Z",
      body: { payment: { invoice_id: billed.id, amount_cents: 4500, reference: "wire-1" } },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect((await terminate("on_termination_credit_note=refund", "2023-02-08T10:00:00.000Z")).status).toBe(
      200,
    );
    await deliverInvoicingInbox();
    const notes = await creditNotesOf(organizationId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      totalAmountCents: 4285,
      creditAmountCents: 0,
      refundAmountCents: 4285,
      offsetAmountCents: 0,
      balanceAmountCents: 0,
      creditStatus: null,
      refundStatus: "pending",
    });
    expect(
      (await new CatalogStore().subscriptionRecord(organizationId, "sub_1"))?.subscription
        .onTerminationCreditNote,
    ).toBe("refund");
  });

  it("is made once: after a crash before the note, two runs at once, a crash between the note and the event's mark, a run again", async () => {
    const { organizationId, terminate, opening } = await seed("Credit Once");
    const billed = await opening();
    await bus.take();
    expect((await terminate()).status).toBe(200);

    // The first run dies writing the note: nothing is made, the event is still owed. (The worker's
    // deps reach the publication whole: its credit note store is given here.)
    const dying: BillingDeps = Object.assign(billingDeps(), {
      creditNoteWrites: {
        create: async (): Promise<never> => {
          throw new Crash();
        },
      },
    });
    await expect(scheduleWith(dying)).rejects.toThrow(Crash);
    expect(await creditNotesOf(organizationId)).toEqual([]);
    const termination = await terminationInvoice(organizationId);
    expect(owedEvents(termination)).toContain("subscription.advance_fee_unused");

    // Two runs at once (a redelivery beside the clock's): one note.
    const deps = billingDeps();
    const runs = await Promise.all([
      creditUnusedAdvanceFee(deps, termination),
      creditUnusedAdvanceFee(deps, termination),
    ]);
    expect(runs.map((run) => run.kind).sort()).toEqual(["already_made", "created"]);
    expect(await creditNotesOf(organizationId)).toHaveLength(1);
    // Its own event goes out with its invoice's next publication.
    await publishInvoiceEvents(deps, organizationId, billed.id);

    // A publication dying right after the event went out, before its mark: published again with
    // the same key, the note not made again.
    let crashed = false;
    const crashing: BillingDeps = {
      ...deps,
      clock: afterLease,
      publish: async (type, ...rest) => {
        await deps.publish(type, ...rest);
        if (type === "subscription.advance_fee_unused" && !crashed) {
          crashed = true;
          throw new Crash();
        }
      },
    };
    await expect(publishInvoiceEvents(crashing, organizationId, termination.id)).rejects.toThrow(Crash);
    expect(crashed).toBe(true);
    await publishInvoiceEvents(
      { ...deps, clock: () => afterLease() + 181_000 },
      organizationId,
      termination.id,
    );
    expect(owedEvents((await terminationInvoice(organizationId)) as StoredInvoice)).toEqual([]);
    await publishInvoiceEvents(deps, organizationId, termination.id);
    expect(await creditUnusedAdvanceFee(deps, termination)).toEqual({ kind: "already_made" });

    const notes = await creditNotesOf(organizationId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ invoiceId: billed.id, totalAmountCents: 4285, sequentialId: 1 });
    const published = await bus.take();
    const unused = published.filter((event) => event["detail-type"] === "subscription.advance_fee_unused");
    // Told twice (the mark lost once), under one key for consumers to drop the repeat.
    expect(new Set(unused.map((event) => event.detail.unique_key)).size).toBe(1);
    expect(published.filter((event) => event["detail-type"] === "credit_note.created")).toHaveLength(1);
  });
});
