import { describe, expect, it } from "vitest";
import { draftInvoice } from "#shared/domain/invoices/test-invoice.js";
import {
  type OwedEvent,
  owedEvents,
  publishedName,
  restingPlace,
  type StoredInvoice,
} from "./invoice-store.js";

const finalized: StoredInvoice = { ...draftInvoice, status: "finalized", sequentialId: 1 };
const owing = (...events: OwedEvent[]): StoredInvoice => ({ ...finalized, pendingEvents: new Set(events) });

describe("the events an invoice owes", () => {
  it("come in the order they happened: created, the numbered payment events by number, voided", () => {
    expect(
      owedEvents(
        owing(
          "invoice.voided",
          "invoice.payment_status_updated#10",
          "invoice.payment_overdue#2",
          "invoice.created",
          "invoice.payment_status_updated#1",
        ),
      ),
    ).toEqual([
      "invoice.created",
      "invoice.payment_status_updated#1",
      "invoice.payment_overdue#2",
      "invoice.payment_status_updated#10",
      "invoice.voided",
    ]);
  });

  it("are published under their name, without their number", () => {
    expect(publishedName("invoice.payment_status_updated#3")).toBe("invoice.payment_status_updated");
    expect(publishedName("invoice.created")).toBe("invoice.created");
  });
});

describe("where an invoice rests in the due index once it owes nothing", () => {
  it("an unsettled finalized invoice waits until its due date has ended in its timezone", () => {
    // Due on 2026-09-03 in Los Angeles (−07:00): overdue from 07:00 UTC on September 4.
    expect(restingPlace(finalized)).toEqual({
      duePk: expect.stringMatching(/^invoices-overdue#[0-3]$/),
      dueAt: "2026-09-04T07:00:00.000Z",
    });
  });

  it("a paid, voided, already overdue invoice or a draft rests nowhere (a draft has its own place)", () => {
    expect(restingPlace({ ...finalized, paymentStatus: "succeeded" })).toBeUndefined();
    expect(restingPlace({ ...finalized, status: "voided" })).toBeUndefined();
    expect(restingPlace({ ...finalized, paymentOverdue: true })).toBeUndefined();
    expect(restingPlace(draftInvoice)).toBeUndefined();
  });
});
