import { describe, expect, it } from "vitest";
import { collectionKey, owesCollectionOnceFinalized } from "./payment-collection.js";

const finalized = {
  status: "finalized" as const,
  paymentStatus: "pending" as const,
  totalAmountCents: 1000,
  totalPaidAmountCents: 0,
};

describe("the collection a finalization owes", () => {
  it("is owed by a finalized invoice with something due, and by no other", () => {
    expect(owesCollectionOnceFinalized(finalized)).toBe(true);
    expect(owesCollectionOnceFinalized({ ...finalized, status: "draft" })).toBe(false);
    expect(owesCollectionOnceFinalized({ ...finalized, totalAmountCents: 0 })).toBe(false);
    expect(owesCollectionOnceFinalized({ ...finalized, totalPaidAmountCents: 1000 })).toBe(false);
    expect(owesCollectionOnceFinalized({ ...finalized, paymentStatus: "succeeded" })).toBe(false);
  });

  it("has one key per invoice, and each retry attempt its own", () => {
    expect(collectionKey("inv", { kind: "finalization" })).toBe(
      collectionKey("inv", { kind: "finalization" }),
    );
    const keys = new Set([
      collectionKey("inv", { kind: "finalization" }),
      collectionKey("inv", { kind: "retry", attempt: 1 }),
      collectionKey("inv", { kind: "retry", attempt: 2 }),
      collectionKey("other", { kind: "retry", attempt: 1 }),
    ]);
    expect(keys.size).toBe(4);
  });
});
