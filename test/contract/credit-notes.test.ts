/**
 * Credit notes through lago-javascript-client on the local runtime: the estimate, Lago's limits
 * with its error codes (each refusal storing nothing), credit and offset on a finalized invoice,
 * the invoice's credited amounts, numbering, lists with filters, the update of refund status and
 * metadata, the void. Every date is relative to the contract clock's start.
 */
import type { CreditNoteObject, InvoiceObject } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  control,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  validationError,
} from "../support/lago.js";
import { billFiveSeats, billNextSeatsPeriod, createSeatsPlan } from "../support/seats-billing.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  ({ runtime, lago, stranger } = await startContractRuntime());
  await createSeatsPlan(lago);
  await lago.webhookEndpoints.createWebhookEndpoint({
    webhook_endpoint: { webhook_url: `${receiver.url}/hooks`, signature_algo: "hmac" },
  });
});
afterAll(async () => {
  await runtime?.stop();
  await receiver?.stop();
});

/** The bodies of the `type` webhooks the endpoint received so far. */
const received = (type: string) =>
  receiver
    .received("/hooks")
    .map((request) => JSON.parse(request.body) as Record<string, unknown>)
    .filter((body) => body.webhook_type === type);

/** A customer billed for 5 seats (10.00 EUR on the seats fee) at its period's close, finalized at once. */
async function finalizedInvoice(id: string): Promise<{ invoice: InvoiceObject; feeId: string }> {
  await lago.customers.createCustomer({ customer: { external_id: id, name: id, currency: "EUR" } as never });
  const invoices = await billFiveSeats(runtime, lago, id);
  expect(invoices).toHaveLength(1);
  const invoice = (await lago.invoices.findInvoice((invoices[0] as InvoiceObject).lago_id)).data.invoice;
  expect(invoice).toMatchObject({ status: "finalized", total_amount_cents: 1000, payment_status: "pending" });
  const fee = invoice.fees?.find((candidate) => candidate.amount_cents === 1000);
  if (!fee?.lago_id) throw new Error("the invoice has no fee");
  return { invoice, feeId: fee.lago_id };
}

const listOf = async (query: Record<string, unknown> = {}) =>
  (await lago.creditNotes.findAllCreditNotes(query as never)).data.credit_notes;

describe("credit notes through Lago's client", () => {
  it("estimates, refuses what breaks Lago's limits, credits and offsets, numbers, lists, updates and voids", async () => {
    const { invoice, feeId } = await finalizedInvoice("credited");

    const estimate = (
      await lago.creditNotes.estimateCreditNote({
        credit_note: { invoice_id: invoice.lago_id, items: [{ fee_id: feeId, amount_cents: 400 }] },
      })
    ).data.estimated_credit_note;
    expect(estimate).toMatchObject({
      lago_invoice_id: invoice.lago_id,
      invoice_number: invoice.number,
      currency: "EUR",
      sub_total_excluding_taxes_amount_cents: 400,
      taxes_amount_cents: 0,
      coupons_adjustment_amount_cents: 0,
      max_creditable_amount_cents: 400,
      // Nothing was paid: nothing can be refunded; all of it can come off what is due.
      max_refundable_amount_cents: 0,
      max_offsettable_amount_cents: 400,
      items: [{ lago_fee_id: feeId, amount_cents: 400 }],
    });

    const create = (body: Record<string, unknown>) =>
      lago.creditNotes.createCreditNote({
        credit_note: { invoice_id: invoice.lago_id, reason: "other", ...body } as never,
      });
    // The split must add up to the items' worth.
    expect(
      await lagoError(create({ items: [{ fee_id: feeId, amount_cents: 400 }], credit_amount_cents: 300 })),
    ).toEqual(validationError({ base: ["does_not_match_item_amounts"] }));
    // Nothing was paid: no refund.
    expect(
      await lagoError(create({ items: [{ fee_id: feeId, amount_cents: 400 }], refund_amount_cents: 400 })),
    ).toEqual(validationError({ refund_amount_cents: ["cannot_refund_unpaid_invoice"] }));
    // More than the fee carries.
    expect(
      await lagoError(create({ items: [{ fee_id: feeId, amount_cents: 1001 }], credit_amount_cents: 1001 })),
    ).toEqual(validationError({ amount_cents: ["higher_than_remaining_fee_amount"] }));
    expect(
      await lagoError(
        create({ items: [{ fee_id: "no-such-fee", amount_cents: 1 }], credit_amount_cents: 1 }),
      ),
    ).toEqual(notFoundError("fee"));
    expect(
      await lagoError(
        lago.creditNotes.createCreditNote({
          credit_note: { invoice_id: "no-such-invoice", items: [{ fee_id: feeId, amount_cents: 1 }] },
        }),
      ),
    ).toEqual(notFoundError("invoice"));
    expect(
      await lagoError(
        create({ items: [{ fee_id: feeId, amount_cents: 100 }], reason: "bored", credit_amount_cents: 100 }),
      ),
    ).toEqual(validationError({ reason: ["value_is_invalid"] }));
    // Each refusal stored nothing.
    expect(await listOf({ external_customer_id: "credited" })).toEqual([]);

    const first = (
      await create({
        reason: "duplicated_charge",
        description: "Seats billed twice",
        items: [{ fee_id: feeId, amount_cents: 400 }],
        credit_amount_cents: 250,
        offset_amount_cents: 150,
        metadata: { ticket: "T-1" },
      })
    ).data.credit_note;
    expect(first).toMatchObject({
      number: `${invoice.number}-CN001`,
      sequential_id: 1,
      lago_invoice_id: invoice.lago_id,
      invoice_number: invoice.number,
      reason: "duplicated_charge",
      description: "Seats billed twice",
      credit_status: "available",
      refund_status: null,
      currency: "EUR",
      total_amount_cents: 400,
      sub_total_excluding_taxes_amount_cents: 400,
      taxes_amount_cents: 0,
      credit_amount_cents: 250,
      refund_amount_cents: 0,
      offset_amount_cents: 150,
      balance_amount_cents: 250,
      coupons_adjustment_amount_cents: 0,
      metadata: { ticket: "T-1" },
      customer: { external_id: "credited" },
    } satisfies Partial<Record<keyof CreditNoteObject, unknown>>);
    expect(first.items).toEqual([
      {
        lago_id: expect.any(String),
        amount_cents: 400,
        amount_currency: "EUR",
        fee: expect.objectContaining({ lago_id: feeId, amount_cents: 1000 }),
      },
    ]);

    // credit_note.created, once, with the note as the API shows it.
    await control(runtime, "/_local/drain");
    const createdHooks = received("credit_note.created").filter(
      (body) => (body.credit_note as { lago_id: string }).lago_id === first.lago_id,
    );
    expect(createdHooks).toHaveLength(1);
    expect(createdHooks[0]).toMatchObject({
      webhook_type: "credit_note.created",
      object_type: "credit_note",
      organization_id: runtime.organizationId,
      credit_note: { number: first.number, total_amount_cents: 400, credit_amount_cents: 250 },
    });

    // The offset comes off what is due.
    const credited = (await lago.invoices.findInvoice(invoice.lago_id)).data.invoice;
    expect(credited).toMatchObject({
      total_amount_cents: 1000,
      total_offsetted_credit_note_amount_cents: 150,
      total_due_amount_cents: 850,
    });

    // The fee has 600 left to credit: more is refused; the rest is the second note.
    expect(
      await lagoError(create({ items: [{ fee_id: feeId, amount_cents: 601 }], credit_amount_cents: 601 })),
    ).toEqual(validationError({ amount_cents: ["higher_than_remaining_fee_amount"] }));
    const second = (
      await create({
        reason: "order_change",
        items: [{ fee_id: feeId, amount_cents: 600 }],
        credit_amount_cents: 600,
      })
    ).data.credit_note;
    expect(second).toMatchObject({
      number: `${invoice.number}-CN002`,
      sequential_id: 2,
      balance_amount_cents: 600,
    });
    expect(
      await lagoError(create({ items: [{ fee_id: feeId, amount_cents: 1 }], credit_amount_cents: 1 })),
    ).toEqual(validationError({ amount_cents: ["higher_than_remaining_fee_amount"] }));

    // Lists: newest first, filtered as Lago filters them.
    expect((await listOf({ external_customer_id: "credited" })).map((note) => note.number)).toEqual([
      second.number,
      first.number,
    ]);
    expect((await listOf({ reason: "order_change" } as never)).map((note) => note.lago_id)).toEqual([
      second.lago_id,
    ]);
    expect((await listOf({ search_term: "CN001" })).map((note) => note.lago_id)).toEqual([first.lago_id]);
    expect((await listOf({ invoice_number: invoice.number })).length).toBe(2);
    expect((await listOf({ amount_from: 500 } as never)).map((note) => note.lago_id)).toEqual([
      second.lago_id,
    ]);
    expect(await lagoError(lago.creditNotes.findAllCreditNotes({ credit_status: "spent" } as never))).toEqual(
      validationError({ credit_status: ["value_is_invalid"] }),
    );
    const customers = (await lago.customers.findAllCustomerCreditNotes("credited")).data.credit_notes;
    expect(customers.map((note) => note.lago_id)).toEqual([second.lago_id, first.lago_id]);
    expect(await lagoError(lago.customers.findAllCustomerCreditNotes("nobody"))).toEqual(
      notFoundError("customer"),
    );

    // Refund status and metadata.
    const updated = (
      await lago.creditNotes.updateCreditNote(first.lago_id, {
        credit_note: { refund_status: "succeeded", metadata: { approved_by: "ops" } },
      })
    ).data.credit_note;
    expect(updated).toMatchObject({
      refund_status: "succeeded",
      metadata: { ticket: "T-1", approved_by: "ops" },
    });
    expect(
      await lagoError(
        lago.creditNotes.updateCreditNote(first.lago_id, {
          credit_note: { refund_status: "refunded" as never },
        }),
      ),
    ).toEqual(validationError({ refund_status: ["value_is_invalid"] }));

    // Void: the balance is gone; a second void finds nothing to void.
    const voided = (await lago.creditNotes.voidCreditNote(second.lago_id)).data.credit_note;
    expect(voided).toMatchObject({
      credit_status: "voided",
      balance_amount_cents: 0,
      credit_amount_cents: 600,
    });
    expect(await lagoError(lago.creditNotes.voidCreditNote(second.lago_id))).toEqual({
      status: 405,
      error: "Method Not Allowed",
      code: "no_voidable_amount",
    });
    expect((await lago.creditNotes.findCreditNote(second.lago_id)).data.credit_note.credit_status).toBe(
      "voided",
    );

    // Another organization sees none of it.
    expect(await lagoError(stranger.creditNotes.findCreditNote(first.lago_id))).toEqual(
      notFoundError("credit_note"),
    );
    expect(
      await lagoError(
        stranger.creditNotes.createCreditNote({
          credit_note: {
            invoice_id: invoice.lago_id,
            items: [{ fee_id: feeId, amount_cents: 1 }],
            credit_amount_cents: 1,
          },
        }),
      ),
    ).toEqual(notFoundError("invoice"));
    expect((await stranger.creditNotes.findAllCreditNotes()).data.credit_notes).toEqual([]);
  });
});

describe("credit balances through Lago's client", () => {
  it("a credit note's balance is taken off the customer's next invoice after taxes, and consumed at zero", async () => {
    const { invoice, feeId } = await finalizedInvoice("balanced");
    const note = (
      await lago.creditNotes.createCreditNote({
        credit_note: {
          invoice_id: invoice.lago_id,
          reason: "product_unsatisfactory",
          items: [{ fee_id: feeId, amount_cents: 400 }],
          credit_amount_cents: 400,
        } as never,
      })
    ).data.credit_note;
    expect(note).toMatchObject({ credit_status: "available", balance_amount_cents: 400 });
    // The credited invoice itself keeps its total: a balance goes to later invoices only.
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice).toMatchObject({
      total_amount_cents: 1000,
      credit_notes_amount_cents: 0,
    });

    // The next period: 3 seats, 6.00 EUR, of which the 4.00 balance is taken.
    const invoices = await billNextSeatsPeriod(runtime, lago, "balanced", 3, "balanced-2");
    const next = invoices.find((candidate) => candidate.lago_id !== invoice.lago_id);
    expect(next).toMatchObject({
      status: "finalized",
      fees_amount_cents: 600,
      sub_total_including_taxes_amount_cents: 600,
      credit_notes_amount_cents: 400,
      total_amount_cents: 200,
      total_due_amount_cents: 200,
      payment_status: "pending",
    });
    expect((await lago.invoices.findInvoice(next?.lago_id as string)).data.invoice.credits).toEqual([
      {
        lago_id: expect.any(String),
        amount_cents: 400,
        amount_currency: "EUR",
        before_taxes: false,
        item: { lago_item_id: note.lago_id, type: "credit_note", code: note.number, name: invoice.number },
        invoice: { lago_id: next?.lago_id, payment_status: "pending" },
      },
    ]);
    expect((await lago.creditNotes.findCreditNote(note.lago_id)).data.credit_note).toMatchObject({
      credit_status: "consumed",
      balance_amount_cents: 0,
    });
  });
});
