import { describe, expect, it } from "vitest";
import type { Invoice } from "../invoice.js";
import { invoiceUpdateRefusal, replacedMetadata, updatedInvoice } from "./invoice-payment-update.js";
import { draftInvoice } from "./test-invoice.js";

const finalized: Invoice = { ...draftInvoice, status: "finalized", sequentialId: 1 };
const now = "2026-09-10T12:00:00.000Z";
const ids = (index: number) => `new-${index}`;

describe("an invoice's update (PUT /invoices/{id})", () => {
  it("refuses a voided invoice, and a draft's metadata or other payment status, with Lago's codes", () => {
    expect(invoiceUpdateRefusal({ ...finalized, status: "voided" }, {})).toBe("update_on_voided_invoice");
    expect(invoiceUpdateRefusal(draftInvoice, { metadata: [] })).toBe("metadata_on_draft_invoice");
    expect(invoiceUpdateRefusal(draftInvoice, { paymentStatus: "succeeded" })).toBe(
      "payment_status_update_on_draft_invoice",
    );
    // The status it has already is no change.
    expect(invoiceUpdateRefusal(draftInvoice, { paymentStatus: "pending" })).toBeNull();
    expect(invoiceUpdateRefusal(finalized, { paymentStatus: "failed", metadata: [] })).toBeNull();
  });

  it("replaces metadata: known ids kept and updated, others created, those left out deleted", () => {
    const current = [
      { id: "m1", key: "a", value: "1", createdAt: "2026-09-01T00:00:00.000Z" },
      { id: "m2", key: "b", value: "2", createdAt: "2026-09-01T00:00:00.000Z" },
    ];
    expect(
      replacedMetadata(
        current,
        [
          { id: "m2", key: "b", value: "20" },
          { key: "c", value: "3" },
          { id: "unknown", key: "d", value: "4" },
        ],
        now,
        ids,
      ),
    ).toEqual([
      { id: "m2", key: "b", value: "20", createdAt: "2026-09-01T00:00:00.000Z" },
      { id: "new-1", key: "c", value: "3", createdAt: now },
      { id: "new-2", key: "d", value: "4", createdAt: now },
    ]);
  });

  it("tells a real change of payment status, and clears overdue once succeeded", () => {
    const overdue = { ...finalized, paymentOverdue: true };
    const same = updatedInvoice(overdue, { paymentStatus: "pending" }, now, ids);
    expect(same.paymentStatusChanged).toBe(false);
    expect(same.invoice).toEqual(overdue);
    const failed = updatedInvoice(overdue, { paymentStatus: "failed" }, now, ids);
    expect(failed).toMatchObject({
      paymentStatusChanged: true,
      invoice: { paymentOverdue: true, updatedAt: now },
    });
    const succeeded = updatedInvoice(overdue, { paymentStatus: "succeeded" }, now, ids);
    expect(succeeded).toMatchObject({
      paymentStatusChanged: true,
      invoice: { paymentStatus: "succeeded", paymentOverdue: false },
    });
  });
});
