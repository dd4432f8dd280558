import { describe, expect, it } from "vitest";
import { periodContaining } from "../periods.js";
import { advanceBillingOf, standaloneAdvanceDue } from "./advance-billing.js";

const inAdvance = { interval: "monthly", payInAdvance: true, trialPeriodDays: 0 } as const;
const calendar = { interval: "monthly" as const, billingTime: "calendar" as const, anchorDate: "2023-02-08" };
const month = (instant: string, timezone = "UTC") => periodContaining(calendar, timezone, instant);
const started = (startedAt: string, recordedAt = startedAt) => ({
  startedAt,
  terminatedAt: null,
  activatedAt: null,
  createdAt: recordedAt,
});

describe("when a pay-in-advance base fee is billed", () => {
  it("bills the first period when the subscription starts, from its start day, on its own invoice", () => {
    const advance = advanceBillingOf(
      started("2023-02-08T00:00:00.000Z"),
      inAdvance,
      "UTC",
      month("2023-02-08T00:00:00Z"),
    );
    expect(advance).toEqual({
      at: "2023-02-08T00:00:00.000Z",
      onPreviousClosing: false,
      firstDate: "2023-02-08",
      trialEndDate: null,
    });
  });

  it("bills every later period when it starts, on the invoice closing the one before", () => {
    const advance = advanceBillingOf(
      started("2023-02-08T00:00:00.000Z"),
      inAdvance,
      "UTC",
      month("2023-03-10T00:00:00Z"),
    );
    expect(advance).toEqual({
      at: "2023-03-01T00:00:00.000Z",
      onPreviousClosing: true,
      firstDate: "2023-03-01",
      trialEndDate: null,
    });
  });

  it("never bills in arrears plans, nor the first period of a subscription recorded after its start day", () => {
    const inArrears = { ...inAdvance, payInAdvance: false };
    expect(
      advanceBillingOf(started("2023-02-08T00:00:00.000Z"), inArrears, "UTC", month("2023-02-08T00:00:00Z")),
    ).toBeNull();
    const backdated = started("2023-02-08T00:00:00.000Z", "2023-02-20T10:00:00.000Z");
    expect(advanceBillingOf(backdated, inAdvance, "UTC", month("2023-02-08T00:00:00Z"))).toBeNull();
    expect(advanceBillingOf(backdated, inAdvance, "UTC", month("2023-03-08T00:00:00Z"))?.at).toBe(
      "2023-03-01T00:00:00.000Z",
    );
  });

  it("moves the fee of the period a trial ends in to the trial's end, and skips a period wholly in trial", () => {
    const trial = { ...inAdvance, trialPeriodDays: 40 };
    const subscription = started("2023-02-08T00:00:00.000Z");
    expect(advanceBillingOf(subscription, trial, "UTC", month("2023-02-08T00:00:00Z"))).toBeNull();
    expect(advanceBillingOf(subscription, trial, "UTC", month("2023-03-08T00:00:00Z"))).toEqual({
      at: "2023-03-20T00:00:00.000Z",
      onPreviousClosing: false,
      firstDate: "2023-03-01",
      trialEndDate: "2023-03-20",
    });
    expect(
      advanceBillingOf(subscription, trial, "UTC", month("2023-04-08T00:00:00Z"))?.onPreviousClosing,
    ).toBe(true);
  });

  it("does not bill a period its subscription was terminated before, or at the start of (a downgrade's switch)", () => {
    const ended = { ...started("2023-02-08T00:00:00.000Z"), terminatedAt: "2023-03-01T00:00:00.000Z" };
    expect(advanceBillingOf(ended, inAdvance, "UTC", month("2023-03-10T00:00:00Z"))).toBeNull();
  });

  it("counts days in the customer's timezone", () => {
    // 03:00 UTC on March 1 is still February 28 in Los Angeles: the first period there is February.
    const advance = advanceBillingOf(
      started("2023-03-01T03:00:00.000Z"),
      inAdvance,
      "America/Los_Angeles",
      month("2023-02-20T00:00:00Z", "America/Los_Angeles"),
    );
    expect(advance?.firstDate).toBe("2023-02-28");
  });

  it("is due on its own only once, and only before the period closes", () => {
    const subscription = started("2023-02-08T00:00:00.000Z");
    const february = month("2023-02-08T00:00:00Z");
    expect(standaloneAdvanceDue(subscription, inAdvance, "UTC", february, null, february.endsAt)?.at).toBe(
      "2023-02-08T00:00:00.000Z",
    );
    expect(
      standaloneAdvanceDue(
        subscription,
        inAdvance,
        "UTC",
        february,
        "2023-02-08T00:00:00.000Z",
        february.endsAt,
      ),
    ).toBeNull();
    // Terminated the same instant it started: the termination comes first.
    expect(
      standaloneAdvanceDue(subscription, inAdvance, "UTC", february, null, "2023-02-08T00:00:00.000Z"),
    ).toBeNull();
  });
});
