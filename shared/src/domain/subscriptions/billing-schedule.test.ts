import { describe, expect, it } from "vitest";
import { firstBilledPeriod, firstClosing } from "./billing-schedule.js";

const monthly = { interval: "monthly" } as const;
const calendar = (subscriptionAt: string) => ({
  billingTime: "calendar" as const,
  subscriptionAt,
  startedAt: subscriptionAt,
  endingAt: null,
});

describe("the first period billed for a subscription started before it was created", () => {
  it("is the period it was created in, when created after its billing day", () => {
    const subscription = calendar("2026-01-10T00:00:00.000Z");
    const period = firstBilledPeriod(subscription, monthly, "UTC", "2026-03-15T12:00:00.000Z");
    expect([period.fromDate, period.toDate]).toEqual(["2026-03-01", "2026-03-31"]);
    expect(firstClosing(subscription, monthly, "UTC", "2026-03-15T12:00:00.000Z")).toBe(
      "2026-04-01T00:00:00.000Z",
    );
  });

  it("is the period that closed that day, when created on its billing day", () => {
    const subscription = calendar("2026-02-10T00:00:00.000Z");
    const period = firstBilledPeriod(subscription, monthly, "UTC", "2026-03-01T10:00:00.000Z");
    expect([period.fromDate, period.toDate]).toEqual(["2026-02-01", "2026-02-28"]);
  });

  it("counts the creation day in the customer's timezone", () => {
    // 03:00 UTC on March 1 is still February 28 in Los Angeles: February is the open period there.
    const subscription = calendar("2026-01-10T00:00:00.000Z");
    const inLosAngeles = firstBilledPeriod(
      subscription,
      monthly,
      "America/Los_Angeles",
      "2026-03-01T03:00:00.000Z",
    );
    expect(inLosAngeles.fromDate).toBe("2026-02-01");
    // 03:00 UTC on March 2 is March 1 there, a billing day: February is still billed.
    const onBillingDay = firstBilledPeriod(
      subscription,
      monthly,
      "America/Los_Angeles",
      "2026-03-02T03:00:00.000Z",
    );
    expect(onBillingDay.fromDate).toBe("2026-02-01");
    const dayAfter = firstBilledPeriod(
      subscription,
      monthly,
      "America/Los_Angeles",
      "2026-03-03T03:00:00.000Z",
    );
    expect(dayAfter.fromDate).toBe("2026-03-01");
  });

  it("is the period of its start when it started on or after the day before its creation", () => {
    const started = calendar("2026-03-14T18:00:00.000Z");
    expect(firstBilledPeriod(started, monthly, "UTC", "2026-03-15T12:00:00.000Z").fromDate).toBe(
      "2026-03-01",
    );
    // Without a creation instant (activated by the clock, created now), the period of its start.
    const now = calendar("2026-05-20T08:00:00.000Z");
    expect(firstClosing(now, monthly, "UTC")).toBe("2026-06-01T00:00:00.000Z");
  });

  it("follows anniversary periods and stops at ending_at", () => {
    const anniversary = { ...calendar("2026-01-20T00:00:00.000Z"), billingTime: "anniversary" as const };
    const period = firstBilledPeriod(anniversary, monthly, "UTC", "2026-03-05T08:00:00.000Z");
    expect([period.fromDate, period.toDate]).toEqual(["2026-02-20", "2026-03-19"]);
    const ending = { ...anniversary, endingAt: "2026-03-10T00:00:00.000Z" };
    expect(firstClosing(ending, monthly, "UTC", "2026-03-05T08:00:00.000Z")).toBe("2026-03-10T00:00:00.000Z");
  });
});
