import { describe, expect, it } from "vitest";
import { stableUuid } from "#shared/platform/ids.js";
import { feeId, invoiceIdPrefixOf } from "./fee-ids.js";

describe("feeId", () => {
  const invoiceId = stableUuid("subscription-invoice", "org", "sub", "2026-08-01");

  it("starts with its invoice's first 20 hex digits and is a UUID", () => {
    const id = feeId(invoiceId, "subscription");
    expect(id.slice(0, 24)).toBe(invoiceId.slice(0, 24));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(invoiceIdPrefixOf(id)).toBe(invoiceId.slice(0, 24));
  });

  it("is the same for the same parts, and differs between fees of one invoice", () => {
    expect(feeId(invoiceId, "charge", "c1", "", "null")).toBe(feeId(invoiceId, "charge", "c1", "", "null"));
    expect(feeId(invoiceId, "charge", "c1", "", "null")).not.toBe(
      feeId(invoiceId, "charge", "c2", "", "null"),
    );
    expect(feeId(invoiceId, "subscription")).not.toBe(feeId(invoiceId, "charge", "c1", "", "null"));
  });

  it("finds no invoice for what is no UUID", () => {
    expect(invoiceIdPrefixOf("fee-1")).toBeUndefined();
    expect(invoiceIdPrefixOf("")).toBeUndefined();
  });
});
