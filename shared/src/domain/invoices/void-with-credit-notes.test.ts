import { describe, expect, it } from "vitest";
import { type CreditNote, voidedCreditNote } from "../credit-notes/credit-note.js";
import { issueCreditNote } from "../credit-notes/issue-credit-note.js";
import type { Invoice, InvoiceFee } from "../invoice.js";
import { draftInvoice } from "./test-invoice.js";
import { voidedInvoice, voidRefusal } from "./void.js";
import {
  nextVoidWithCreditNotesStep,
  type VoidWithCreditNotesStep,
  voidAmountsRefusal,
  voidRemainderDescription,
} from "./void-with-credit-notes.js";

const fee: InvoiceFee = {
  id: "fee-1",
  feeType: "subscription",
  chargeId: null,
  chargeFilterId: null,
  groupedBy: null,
  billableMetricCode: null,
  itemCode: "pro",
  itemName: "Pro",
  invoiceDisplayName: null,
  units: "1",
  eventsCount: 0,
  amountCents: 1_000,
  preciseAmountCents: "1000",
  taxCodes: ["vat_20"],
  taxesAmountCents: 200,
  taxesRate: "20",
  preciseUnitAmount: "10",
  fromDatetime: "2026-07-01T00:00:00.000Z",
  toDatetime: "2026-07-31T23:59:59.999Z",
};

// 10.00 + 20 % tax: 12.00 to credit.
const finalized: Invoice = {
  ...draftInvoice,
  status: "finalized",
  sequentialId: 1,
  number: "ACM-001",
  fees: [fee],
  appliedTaxes: [
    {
      taxId: "tax-1",
      taxCode: "vat_20",
      taxName: "VAT",
      taxDescription: null,
      taxRate: "20",
      feesAmountCents: 1_000,
      amountCents: 200,
    },
  ],
  taxesAmountCents: 200,
  taxesRate: "20",
  subTotalIncludingTaxesAmountCents: 1_200,
  totalAmountCents: 1_200,
};
const paid: Invoice = { ...finalized, paymentStatus: "succeeded", totalPaidAmountCents: 1_200 };

const NOW = "2026-08-10T09:00:00.000Z";
const ids = {
  creditNoteId: (sequentialId: number) => `cn-${sequentialId}`,
  itemId: (index: number) => `item-${index}`,
  taxId: (code: string) => `tax-${code}`,
};

interface State {
  readonly invoice: Invoice;
  readonly notes: readonly CreditNote[];
}

/** The state once `step` is taken, as the use case takes it (one write each). */
function take(state: State, step: VoidWithCreditNotesStep): State {
  switch (step.kind) {
    case "create_note": {
      const issued = issueCreditNote(state.invoice, step.request, ids, NOW);
      if (!issued.ok) throw new Error(JSON.stringify(issued.refusal));
      return {
        invoice: { ...state.invoice, creditNotes: issued.invoiceCreditNotes },
        notes: [...state.notes, issued.creditNote],
      };
    }
    case "void_invoice":
      return { ...state, invoice: voidedInvoice(state.invoice, NOW) };
    case "void_note":
      return {
        ...state,
        notes: state.notes.map((note) =>
          note.id === step.creditNoteId ? voidedCreditNote(note, NOW) : note,
        ),
      };
    default:
      throw new Error(`no step to take: ${step.kind}`);
  }
}

/** Every state a run goes through, from `invoice` until nothing is left to do. */
function run(invoice: Invoice, request: { creditAmountCents: number; refundAmountCents: number }) {
  const states: State[] = [{ invoice, notes: [] }];
  for (;;) {
    const state = states.at(-1) as State;
    const step = nextVoidWithCreditNotesStep(state.invoice, state.notes, request);
    if (step.kind === "done") return states;
    if (states.length > 10) throw new Error("the run does not end");
    states.push(take(state, step));
  }
}

const split = (note: CreditNote | undefined) => ({
  credit: note?.creditAmountCents,
  refund: note?.refundAmountCents,
  total: note?.totalAmountCents,
  creditStatus: note?.creditStatus,
  refundStatus: note?.refundStatus,
});

describe("voiding an invoice with credit notes", () => {
  it("a paid invoice: the note asked for, the invoice voided, the rest in a note voided at once", () => {
    const states = run(paid, { creditAmountCents: 300, refundAmountCents: 500 });
    const { invoice, notes } = states.at(-1) as State;
    expect(invoice.status).toBe("voided");
    expect(notes).toHaveLength(2);
    expect(notes.map((note) => note.origin)).toEqual(["void", "void"]);
    expect(notes.map((note) => note.reason)).toEqual(["other", "other"]);
    expect(split(notes[0])).toEqual({
      credit: 300,
      refund: 500,
      total: 800,
      creditStatus: "available",
      refundStatus: "pending",
    });
    expect(split(notes[1])).toEqual({
      credit: 400,
      refund: 0,
      total: 400,
      creditStatus: "voided",
      refundStatus: null,
    });
    expect(notes[1]?.description).toBe(voidRemainderDescription(invoice));
    expect(notes.reduce((sum, note) => sum + note.totalAmountCents, 0)).toBe(1_200);
    // The first note marks the run begun: it is made while the invoice is still finalized.
    expect(states.map((state) => [state.invoice.status, state.notes.length])).toEqual([
      ["finalized", 0],
      ["finalized", 1],
      ["voided", 1],
      ["voided", 2],
      ["voided", 2],
    ]);
  });

  it("from any state a run reached, goes on to the same end and never makes a third note", () => {
    const request = { creditAmountCents: 300, refundAmountCents: 500 };
    const states = run(paid, request);
    const end = states.at(-1) as State;
    for (const state of states.slice(1)) {
      // A retry sends other amounts: those of the run that began hold.
      const again = nextVoidWithCreditNotesStep(state.invoice, state.notes, {
        creditAmountCents: 1_200,
        refundAmountCents: 0,
      });
      const resumed = again.kind === "done" ? state : take(state, again);
      let current = resumed;
      for (
        let step = nextVoidWithCreditNotesStep(current.invoice, current.notes, request);
        step.kind !== "done";
      ) {
        current = take(current, step);
        step = nextVoidWithCreditNotesStep(current.invoice, current.notes, request);
      }
      expect(current).toEqual(end);
    }
  });

  it("an unpaid invoice with credit only; nothing asked makes the rest's note alone", () => {
    const credited = run(finalized, { creditAmountCents: 1_200, refundAmountCents: 0 }).at(-1) as State;
    expect(credited.invoice.status).toBe("voided");
    expect(credited.notes.map(split)).toEqual([
      { credit: 1_200, refund: 0, total: 1_200, creditStatus: "available", refundStatus: null },
    ]);

    const nothing = run(finalized, { creditAmountCents: 0, refundAmountCents: 0 }).at(-1) as State;
    expect(nothing.invoice.status).toBe("voided");
    expect(nothing.notes.map(split)).toEqual([
      { credit: 1_200, refund: 0, total: 1_200, creditStatus: "voided", refundStatus: null },
    ]);
  });

  it("an invoice earlier notes credited in full is voided without a note", () => {
    const fullyCredited = take(
      { invoice: finalized, notes: [] },
      {
        kind: "create_note",
        key: "manual",
        request: {
          origin: "manual",
          reason: "order_change",
          description: null,
          items: [{ feeId: "fee-1", amountCents: 1_000 }],
          split: { creditAmountCents: 1_200, refundAmountCents: 0, offsetAmountCents: 0 },
          metadata: {},
        },
      },
    );
    expect(
      nextVoidWithCreditNotesStep(fullyCredited.invoice, fullyCredited.notes, {
        creditAmountCents: 0,
        refundAmountCents: 0,
      }),
    ).toEqual({
      kind: "void_invoice",
    });
  });

  it("refuses more than can be credited or refunded before reading the status, as Lago", () => {
    const none = [] as const;
    expect(
      nextVoidWithCreditNotesStep(paid, none, { creditAmountCents: 1_201, refundAmountCents: 0 }),
    ).toEqual({
      kind: "invalid",
      code: "total_amount_exceeds_invoice_amount",
    });
    expect(
      nextVoidWithCreditNotesStep(paid, none, { creditAmountCents: 700, refundAmountCents: 501 }),
    ).toEqual({
      kind: "invalid",
      code: "total_amount_exceeds_invoice_amount",
    });
    // Nothing was paid: nothing can be refunded.
    expect(
      nextVoidWithCreditNotesStep(finalized, none, { creditAmountCents: 0, refundAmountCents: 1 }),
    ).toEqual({
      kind: "invalid",
      code: "total_amount_exceeds_invoice_amount",
    });
    expect(
      nextVoidWithCreditNotesStep(draftInvoice, none, { creditAmountCents: 0, refundAmountCents: 0 }),
    ).toEqual({
      kind: "refused",
      code: "not_voidable",
    });
    // Voided by a plain void: not begun by a run, so a second void.
    const voided = voidedInvoice(finalized, NOW);
    expect(nextVoidWithCreditNotesStep(voided, none, { creditAmountCents: 0, refundAmountCents: 0 })).toEqual(
      {
        kind: "refused",
        code: "not_voidable",
      },
    );
    const end = run(paid, { creditAmountCents: 0, refundAmountCents: 1_200 }).at(-1) as State;
    expect(voidAmountsRefusal(end.invoice, { creditAmountCents: 1, refundAmountCents: 0 })).toBe(
      "total_amount_exceeds_invoice_amount",
    );
    expect(voidAmountsRefusal(end.invoice, { creditAmountCents: 0, refundAmountCents: 0 })).toBeNull();
  });
});

describe("a void without credit notes", () => {
  it("is refused while a credit note still credits the invoice, not once it is voided or credits nothing", () => {
    const note = { creditStatus: "available" } as const;
    expect(voidRefusal(finalized, [note])).toBe("not_voidable");
    expect(voidRefusal(finalized, [{ creditStatus: "consumed" }])).toBe("not_voidable");
    expect(voidRefusal(finalized, [{ creditStatus: "voided" }])).toBeNull();
    // An offset alone has no credit status (Lago's query of credited notes skips it).
    expect(voidRefusal(finalized, [{ creditStatus: null }])).toBeNull();
    expect(voidRefusal(paid, [])).toBe("not_voidable");
    // With credit notes a paid invoice is voided, but never a draft.
    expect(() => voidedInvoice(paid, NOW)).not.toThrow();
    expect(() => voidedInvoice(draftInvoice, NOW)).toThrow();
  });
});
