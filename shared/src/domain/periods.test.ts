import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BillingSchedule,
  daysBetweenInclusive,
  inclusiveEnd,
  PLAN_INTERVALS,
  periodAfter,
  periodContaining,
} from "./periods.js";

const monthlyCalendar: BillingSchedule = {
  interval: "monthly",
  billingTime: "calendar",
  anchorDate: "2023-01-01",
};

describe("calendar periods", () => {
  it("ends a yearly period at local 23:59:59 on Dec 31, whatever the zone (customer_usage_spec)", () => {
    const yearly: BillingSchedule = { interval: "yearly", billingTime: "calendar", anchorDate: "2023-01-01" };
    const at = "2023-06-15T12:00:00.000Z";
    expect(inclusiveEnd(periodContaining(yearly, "UTC", at))).toBe("2023-12-31T23:59:59.000Z");
    expect(inclusiveEnd(periodContaining(yearly, "Europe/Berlin", at))).toBe("2023-12-31T22:59:59.000Z");
    expect(inclusiveEnd(periodContaining(yearly, "America/Los_Angeles", at))).toBe(
      "2024-01-01T07:59:59.000Z",
    );
  });

  it("starts monthly periods at local midnight of the 1st", () => {
    const period = periodContaining(monthlyCalendar, "Asia/Kolkata", "2024-02-29T20:00:00.000Z");
    // 20:00 UTC on Feb 29 is 01:30 on Mar 1 in Kolkata.
    expect(period).toEqual({
      fromDate: "2024-03-01",
      toDate: "2024-03-31",
      startsAt: "2024-02-29T18:30:00.000Z",
      endsAt: "2024-03-31T18:30:00.000Z",
      days: 31,
    });
  });

  it("aligns weeks on Monday, quarters on Jan/Apr/Jul/Oct and half-years on Jan/Jul", () => {
    const at = "2022-06-22T10:00:00.000Z"; // a Wednesday
    const of = (interval: BillingSchedule["interval"]) =>
      periodContaining({ interval, billingTime: "calendar", anchorDate: "2022-06-22" }, "UTC", at);
    expect([of("weekly").fromDate, of("weekly").toDate, of("weekly").days]).toEqual([
      "2022-06-20",
      "2022-06-26",
      7,
    ]);
    expect([of("quarterly").fromDate, of("quarterly").toDate, of("quarterly").days]).toEqual([
      "2022-04-01",
      "2022-06-30",
      91,
    ]);
    expect([of("semiannual").fromDate, of("semiannual").toDate]).toEqual(["2022-01-01", "2022-06-30"]);
    expect([of("yearly").fromDate, of("yearly").days]).toEqual(["2022-01-01", 365]);
  });
});

describe("anniversary periods", () => {
  it("clamps the anchor day to short months (billing_boundaries_spec: Jan 31)", () => {
    const schedule: BillingSchedule = {
      interval: "monthly",
      billingTime: "anniversary",
      anchorDate: "2024-01-31",
    };
    let period = periodContaining(schedule, "UTC", "2024-01-31T01:00:00.000Z");
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(`${period.fromDate}..${period.toDate}`);
      period = periodAfter(schedule, "UTC", period);
    }
    expect(seen).toEqual(["2024-01-31..2024-02-28", "2024-02-29..2024-03-30", "2024-03-31..2024-04-29"]);
  });

  it("runs weekly anniversary periods from the subscription weekday", () => {
    const schedule: BillingSchedule = {
      interval: "weekly",
      billingTime: "anniversary",
      anchorDate: "2022-06-22",
    };
    const period = periodContaining(schedule, "UTC", "2022-06-28T10:00:00.000Z");
    expect([period.fromDate, period.toDate]).toEqual(["2022-06-22", "2022-06-28"]);
  });

  it("anchors quarters on the subscription month", () => {
    const schedule: BillingSchedule = {
      interval: "quarterly",
      billingTime: "anniversary",
      anchorDate: "2024-02-15",
    };
    const period = periodContaining(schedule, "UTC", "2024-05-14T10:00:00.000Z");
    expect([period.fromDate, period.toDate, period.days]).toEqual(["2024-02-15", "2024-05-14", 90]);
  });
});

it("counts local days inclusively", () => {
  expect(daysBetweenInclusive("2022-03-15", "2022-03-31")).toBe(17);
});

// A sample of zones with DST, half-hour and quarter-hour offsets, and both hemispheres.
const ZONES = [
  "UTC",
  "Europe/Paris",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "America/Santiago",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "Australia/Lord_Howe",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
  "Asia/Tehran",
] as const;

describe("periods tile time", () => {
  it("in every zone and interval, consecutive periods share their boundary and contain their own instants", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...PLAN_INTERVALS),
        fc.constantFrom("calendar" as const, "anniversary" as const),
        fc.date({
          min: new Date("2022-01-01T00:00:00Z"),
          max: new Date("2025-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.date({
          min: new Date("2022-01-01T00:00:00Z"),
          max: new Date("2025-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        (zone, interval, billingTime, anchor, at) => {
          const schedule: BillingSchedule = {
            interval,
            billingTime,
            anchorDate: anchor.toISOString().slice(0, 10),
          };
          const period = periodContaining(schedule, zone, at.toISOString());
          expect(period.startsAt <= at.toISOString() && at.toISOString() < period.endsAt).toBe(true);
          const next = periodAfter(schedule, zone, period);
          expect(next.startsAt).toBe(period.endsAt);
          expect(periodContaining(schedule, zone, next.startsAt)).toEqual(next);
          const lastMs = new Date(new Date(period.endsAt).getTime() - 1).toISOString();
          expect(periodContaining(schedule, zone, lastMs)).toEqual(period);
          expect(daysBetweenInclusive(period.fromDate, period.toDate)).toBe(period.days);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
