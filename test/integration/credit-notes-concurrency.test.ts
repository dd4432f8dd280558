/**
 * Credit notes and credit balances under concurrency, on moto: many credit notes asked at once on
 * one invoice never take more than it can credit, and drafts of one customer finalized at once (by
 * hand in one container, and in containers of their own) never spend one credit balance twice nor
 * below zero. As in invoice-numbering-concurrency.test.ts, the finalizations run concurrently while
 * the test's DynamoDB client hands moto one request at a time, so each request is atomic as in
 * DynamoDB.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createCreditNote } from "../../services/invoicing/src/credit-notes/create-credit-note.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { finalizeInvoice } from "../../services/invoicing/src/invoices/finalize-invoice.js";
import { CreditNoteStore } from "../../services/invoicing/src/store/credit-note-store.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import { invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";
import { billingDeps, deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";
import { oneRequestAtATime } from "../support/one-request-at-a-time.js";

const DRAFTS = 6;
let aws: AwsHarness;
let seeded: SeededCatalog;

beforeAll(async () => {
  aws = await startAwsHarness();
  // One customer with a day's grace period and six subscriptions of 10.00 EUR: six drafts.
  seeded = await seedCatalog({
    name: "Credited",
    subscriptionAt: "2026-03-01T00:00:00Z",
    gracePeriodDays: 1,
  });
  for (let n = 2; n <= DRAFTS; n++) {
    const answer = await invoke(catalogApi, "POST /api/v1/subscriptions", {
      apiKey: seeded.apiKey,
      at: "2026-03-01T00:00:00Z",
      body: {
        subscription: {
          external_customer_id: seeded.externalCustomerId,
          plan_code: "pro",
          external_id: `sub_${n}`,
          subscription_at: "2026-03-01T00:00:00Z",
        },
      },
    });
    expect(answer.status).toBe(200);
  }
  await deliverInvoicingInbox();
  await clock({ now: "2026-04-01T00:00:00.000Z" }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
  oneRequestAtATime("oneRequestAtATimeForCreditNotes");
}, 600_000);
afterAll(() => aws?.stop());

const creditNoteDeps = () => ({ ...billingDeps(), creditNotes: new CreditNoteStore() });

it("many credit notes at once on one invoice never credit more than it has, and drafts finalized at once never spend a balance twice", async () => {
  const store = new InvoiceStore();
  const drafts = await store.list(seeded.organizationId);
  expect(drafts).toHaveLength(DRAFTS);
  const [first, ...rest] = drafts;
  if (!first) throw new Error("no draft");

  // One invoice finalized, then 8 notes of 3.00 on its 10.00 fee asked at once: 3 fit, by hand
  // (one container) and in containers of their own.
  const finalized = await finalizeInvoice(
    billingDeps(),
    seeded.organizationId,
    first.id,
    "2026-04-02T00:00:00Z",
  );
  expect(finalized.kind).toBe("finalized");
  if (finalized.kind !== "finalized") return;
  const fee = finalized.invoice.fees.find((candidate) => candidate.amountCents === 1000);
  if (!fee) throw new Error("no 10.00 fee");
  const body = {
    credit_note: {
      invoice_id: first.id,
      items: [{ fee_id: fee.id, amount_cents: 300 }],
      credit_amount_cents: 300 + Math.round((finalized.invoice.taxesAmountCents * 300) / 1000),
    },
  };
  const total = body.credit_note.credit_amount_cents;
  const asked = await Promise.all([
    ...Array.from({ length: 4 }, () =>
      invoke(invoicingApi, "POST /api/v1/credit_notes", {
        apiKey: seeded.apiKey,
        at: "2026-04-02T00:01:00Z",
        body,
      }),
    ),
    ...Array.from({ length: 4 }, async () => {
      const outcome = await createCreditNote(
        creditNoteDeps(),
        seeded.organizationId,
        first.id,
        {
          origin: "manual",
          reason: "other",
          description: null,
          items: [{ feeId: fee.id, amountCents: 300 }],
          split: { creditAmountCents: total, refundAmountCents: 0, offsetAmountCents: 0 },
          metadata: {},
        },
        "2026-04-02T00:01:00Z",
      );
      return { status: outcome.kind === "created" ? 200 : 422, body: {} };
    }),
  ]);
  expect(asked.filter((answer) => answer.status === 200)).toHaveLength(3);
  expect(asked.filter((answer) => answer.status !== 200).every((answer) => answer.status === 422)).toBe(true);
  const notes = (await new CreditNoteStore().list(seeded.organizationId)).sort(
    (a, b) => a.sequentialId - b.sequentialId,
  );
  expect(notes.map((note) => note.sequentialId)).toEqual([1, 2, 3]);
  expect(new Set(notes.map((note) => note.number)).size).toBe(3);
  const credited = await store.get(seeded.organizationId, first.id);
  expect(credited?.creditNotes).toMatchObject({
    count: 3,
    creditAmountCents: 3 * total,
    feeCreditedCents: { [fee.id]: 900 },
  });
  const balance = 3 * total;

  // The other five drafts finalized at once: each takes from the same balances, which add up to
  // less than they come to; together they take exactly all of it, none below zero.
  const outcomes = await Promise.all(
    rest.map((draft, index) =>
      index % 2 === 0
        ? invoke(invoicingApi, "PUT /api/v1/invoices/{lago_id}/finalize", {
            apiKey: seeded.apiKey,
            params: { lago_id: draft.id },
            at: "2026-04-02T00:02:00Z",
          }).then((answer) => answer.status)
        : finalizeInvoice(billingDeps(), seeded.organizationId, draft.id, "2026-04-02T00:02:00Z").then(
            (outcome) => (outcome.kind === "finalized" ? 200 : 500),
          ),
    ),
  );
  expect(outcomes).toEqual(Array(rest.length).fill(200));
  const invoices = (await store.list(seeded.organizationId)).filter((invoice) => invoice.id !== first.id);
  const taken = invoices.reduce((sum, invoice) => sum + (invoice.creditNotesAmountCents ?? 0), 0);
  expect(taken).toBe(balance);
  for (const invoice of invoices) {
    expect(invoice.totalAmountCents).toBeGreaterThanOrEqual(0);
    expect(invoice.totalAmountCents + (invoice.creditNotesAmountCents ?? 0)).toBe(
      invoice.subTotalIncludingTaxesAmountCents,
    );
    expect((invoice.creditNoteUses ?? []).reduce((sum, use) => sum + use.amountCents, 0)).toBe(
      invoice.creditNotesAmountCents ?? 0,
    );
  }
  const after = await new CreditNoteStore().list(seeded.organizationId);
  expect(after.map((note) => [note.balanceAmountCents, note.creditStatus])).toEqual(
    after.map(() => [0, "consumed"]),
  );
  expect(await new CreditNoteStore().balancesOf(seeded.organizationId, first.customerId)).toEqual([]);
}, 300_000);
