import { describe, expect, it } from "vitest";
import { earliestInstant, trialEndToAnnounce } from "./trial-end.js";

const active = {
  status: "active" as const,
  startedAt: "2026-05-01T00:00:00.000Z",
  trialStartedAt: null,
};

describe("the trial end the catalog announces", () => {
  it("is the start plus the plan's trial days, for an active subscription not announced yet", () => {
    expect(trialEndToAnnounce(active, { trialPeriodDays: 14 })).toBe("2026-05-15T00:00:00.000Z");
  });

  it("is none without a trial, once announced, or when the subscription is not active", () => {
    expect(trialEndToAnnounce(active, { trialPeriodDays: 0 })).toBeNull();
    expect(trialEndToAnnounce({ ...active, trialEndAnnounced: true }, { trialPeriodDays: 14 })).toBeNull();
    expect(trialEndToAnnounce({ ...active, status: "terminated" }, { trialPeriodDays: 14 })).toBeNull();
    expect(
      trialEndToAnnounce({ ...active, status: "pending", startedAt: null }, { trialPeriodDays: 14 }),
    ).toBeNull();
  });

  it("counts from the chain's first start: a successor during the trial announces its end, one after it does not", () => {
    const successor = { ...active, startedAt: "2026-05-10T00:00:00.000Z", trialStartedAt: active.startedAt };
    expect(trialEndToAnnounce(successor, { trialPeriodDays: 14 })).toBe("2026-05-15T00:00:00.000Z");
    const late = { ...successor, startedAt: "2026-05-20T00:00:00.000Z" };
    expect(trialEndToAnnounce(late, { trialPeriodDays: 14 })).toBeNull();
  });
});

describe("earliestInstant", () => {
  it("is the earliest instant given, ignoring the missing ones", () => {
    expect(earliestInstant("2026-06-01T00:00:00.000Z", null, "2026-05-15T00:00:00.000Z")).toBe(
      "2026-05-15T00:00:00.000Z",
    );
    expect(earliestInstant(null, undefined)).toBeNull();
  });
});
