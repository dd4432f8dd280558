import { describe, expect, it } from "vitest";
import { awaitsOverdue, isOverdueAt, overdueFrom } from "./payment-overdue.js";

const finalized = {
  status: "finalized" as const,
  paymentStatus: "pending" as const,
  paymentDueDate: "2027-01-10",
  timezone: "America/Los_Angeles",
};

describe("an invoice's payment becomes overdue", () => {
  it("at the local midnight ending its due date in Los Angeles, not at UTC midnight", () => {
    expect(overdueFrom(finalized)).toBe("2027-01-11T08:00:00.000Z");
    expect(isOverdueAt(finalized, "2027-01-11T00:00:00.000Z")).toBe(false);
    expect(isOverdueAt(finalized, "2027-01-11T07:59:59.999Z")).toBe(false);
    expect(isOverdueAt(finalized, "2027-01-11T08:00:00.000Z")).toBe(true);
  });

  it("in Kathmandu (+05:45), before the UTC date has ended", () => {
    const kathmandu = { ...finalized, timezone: "Asia/Kathmandu" };
    expect(overdueFrom(kathmandu)).toBe("2027-01-10T18:15:00.000Z");
    expect(isOverdueAt(kathmandu, "2027-01-10T18:14:59.999Z")).toBe(false);
    expect(isOverdueAt(kathmandu, "2027-01-10T18:15:00.000Z")).toBe(true);
  });

  it("at UTC midnight after the due date for a UTC invoice", () => {
    expect(overdueFrom({ ...finalized, timezone: "UTC" })).toBe("2027-01-11T00:00:00.000Z");
  });

  it("across a DST change: March 14, 2027 begins at 08:00 UTC in Los Angeles, March 15 at 07:00 UTC", () => {
    expect(overdueFrom({ ...finalized, paymentDueDate: "2027-03-13" })).toBe("2027-03-14T08:00:00.000Z");
    expect(overdueFrom({ ...finalized, paymentDueDate: "2027-03-14" })).toBe("2027-03-15T07:00:00.000Z");
  });

  it("never for a draft, a voided or a paid invoice, nor twice", () => {
    const late = "2027-02-01T00:00:00.000Z";
    expect(isOverdueAt({ ...finalized, status: "draft" }, late)).toBe(false);
    expect(isOverdueAt({ ...finalized, status: "voided" }, late)).toBe(false);
    expect(isOverdueAt({ ...finalized, paymentStatus: "succeeded" }, late)).toBe(false);
    expect(isOverdueAt({ ...finalized, paymentOverdue: true }, late)).toBe(false);
    expect(isOverdueAt({ ...finalized, paymentStatus: "failed" }, late)).toBe(true);
    expect(awaitsOverdue({ ...finalized, paymentStatus: "failed" })).toBe(true);
  });
});
