import { describe, expect, it } from "vitest";
import type { Invoice } from "../invoice.js";
import { finalizedInvoice, mayFinalize } from "./finalize.js";
import { mayRefresh, refreshedDraft } from "./refresh.js";
import { draftInvoice } from "./test-invoice.js";
import { totalDueAmountCents, voidedInvoice, voidRefusal } from "./void.js";

const finalized: Invoice = {
  ...draftInvoice,
  status: "finalized",
  sequentialId: 1,
  number: "ACM-1A2B-001-001",
};

describe("what may be refreshed, finalized and voided", () => {
  it("refreshes and finalizes drafts only", () => {
    expect(mayRefresh(draftInvoice)).toBe(true);
    expect(mayFinalize(draftInvoice)).toBe(true);
    for (const status of ["finalized", "voided"] as const) {
      expect(mayRefresh({ status })).toBe(false);
      expect(mayFinalize({ status })).toBe(false);
    }
  });

  it("voids a finalized invoice whose payment is pending or failed; anything else is not_voidable", () => {
    expect(voidRefusal(finalized)).toBeNull();
    expect(voidRefusal({ ...finalized, paymentStatus: "failed" })).toBeNull();
    expect(voidRefusal({ ...finalized, paymentStatus: "succeeded" })).toBe("not_voidable");
    expect(voidRefusal(draftInvoice)).toBe("not_voidable");
    expect(voidRefusal({ ...finalized, status: "voided" })).toBe("not_voidable");
  });
});

describe("a draft's refresh", () => {
  it("takes the amounts and dates made now, and keeps the draft's identity", () => {
    const rebuilt: Invoice = {
      ...draftInvoice,
      status: "finalized",
      number: "ACM-1A2B-DRAFT-NEW",
      timezone: "Europe/Paris",
      feesAmountCents: 1500,
      totalAmountCents: 1500,
      issuingDate: "2026-08-02",
      expectedFinalizationDate: "2026-08-02",
      createdAt: "2026-08-02T10:00:00.000Z",
    };
    expect(refreshedDraft(draftInvoice, rebuilt, "2026-08-02T10:00:00.000Z")).toEqual({
      ...rebuilt,
      status: "draft",
      sequentialId: null,
      number: draftInvoice.number,
      timezone: draftInvoice.timezone,
      createdAt: draftInvoice.createdAt,
      updatedAt: "2026-08-02T10:00:00.000Z",
    });
    expect(() => refreshedDraft(finalized, rebuilt, "2026-08-02T10:00:00.000Z")).toThrow("not a draft");
    expect(() =>
      refreshedDraft(draftInvoice, { ...rebuilt, id: "other" }, "2026-08-02T10:00:00.000Z"),
    ).toThrow();
  });
});

describe("a draft's finalization", () => {
  it("gives it its number and issues it on the customer's local date of finalization", () => {
    const at = "2026-08-03T03:00:00.000Z";
    expect(
      finalizedInvoice(
        draftInvoice,
        { now: at, timezone: "America/Los_Angeles", netPaymentTermDays: 30 },
        { sequentialId: 7, number: "ACM-1A2B-001-007" },
      ),
    ).toEqual({
      ...draftInvoice,
      status: "finalized",
      sequentialId: 7,
      number: "ACM-1A2B-001-007",
      issuingDate: "2026-08-02",
      paymentDueDate: "2026-09-01",
      netPaymentTermDays: 30,
      finalizedAt: at,
      updatedAt: at,
    });
    expect(() =>
      finalizedInvoice(
        finalized,
        { now: at, timezone: "UTC", netPaymentTermDays: 0 },
        { sequentialId: 2, number: "x" },
      ),
    ).toThrow("not a draft");
  });
});

describe("a void", () => {
  it("leaves nothing due, and keeps the number and amounts", () => {
    const voided = voidedInvoice(finalized, "2026-08-10T09:00:00.000Z");
    expect(voided).toEqual({
      ...finalized,
      status: "voided",
      voidedAt: "2026-08-10T09:00:00.000Z",
      updatedAt: "2026-08-10T09:00:00.000Z",
    });
    expect(totalDueAmountCents(finalized)).toBe(1000);
    expect(totalDueAmountCents(voided)).toBe(0);
    expect(totalDueAmountCents({ ...finalized, totalPaidAmountCents: 1000 })).toBe(0);
    expect(() => voidedInvoice(draftInvoice, "2026-08-10T09:00:00.000Z")).toThrow();
  });
});
