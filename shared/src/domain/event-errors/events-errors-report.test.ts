import { describe, expect, it } from "vitest";
import type { MetricDefinition } from "../aggregation/metric-definition.js";
import type { UsageEvent } from "../usage-event.js";
import {
  eventFlaw,
  eventsErrorsObject,
  hourOf,
  hoursToReport,
  isEmptyReport,
} from "./events-errors-report.js";

const metric = (over: Partial<MetricDefinition> = {}): MetricDefinition => ({
  code: "storage",
  aggregationType: "sum_agg",
  fieldName: "gb",
  recurring: false,
  roundingFunction: null,
  roundingPrecision: null,
  filters: [],
  ...over,
});

const event = (properties: Record<string, unknown>): UsageEvent => ({
  lagoId: "l",
  transactionId: "tx",
  externalSubscriptionId: "sub",
  code: "storage",
  timestamp: "2026-05-01T10:00:00.000Z",
  properties,
  preciseTotalAmountCents: null,
  receivedAt: "2026-05-01T10:00:00.000Z",
});

describe("eventFlaw: what Lago's post-validation reports of an event its metric bills", () => {
  it("a numeric aggregation's field missing or not a number is a missing aggregation property", () => {
    expect(eventFlaw(metric(), event({}))).toBe("missing_aggregation_property");
    expect(eventFlaw(metric(), event({ gb: "1e3" }))).toBe("missing_aggregation_property");
    expect(eventFlaw(metric({ aggregationType: "max_agg" }), event({ gb: "abc" }))).toBe(
      "missing_aggregation_property",
    );
    expect(eventFlaw(metric(), event({ gb: "12.5" }))).toBeNull();
    expect(eventFlaw(metric(), event({ gb: 3 }))).toBeNull();
  });

  it("a unique count needs its field, of any value; a count needs none", () => {
    const unique = metric({ aggregationType: "unique_count_agg", fieldName: "user" });
    expect(eventFlaw(unique, event({}))).toBe("missing_aggregation_property");
    expect(eventFlaw(unique, event({ user: "ada" }))).toBeNull();
    expect(eventFlaw(metric({ aggregationType: "count_agg", fieldName: null }), event({}))).toBeNull();
  });

  it("a filter key with a value the filter does not list is an invalid filter value; an absent key is not", () => {
    const filtered = metric({
      aggregationType: "count_agg",
      fieldName: null,
      filters: [{ key: "region", values: ["eu", "us"] }],
    });
    expect(eventFlaw(filtered, event({ region: "asia" }))).toBe("invalid_filter_values");
    expect(eventFlaw(filtered, event({ region: "eu" }))).toBeNull();
    expect(eventFlaw(filtered, event({}))).toBeNull();
  });
});

describe("eventsErrorsObject", () => {
  it("lists each reason's distinct transaction ids, and Lago's deprecated missing_group_key empty", () => {
    const report = eventsErrorsObject([
      { transactionId: "b", reason: "invalid_code" },
      { transactionId: "a", reason: "invalid_code" },
      { transactionId: "a", reason: "invalid_code" },
      { transactionId: "c", reason: "missing_aggregation_property" },
    ]);
    expect(report).toEqual({
      invalid_code: ["a", "b"],
      missing_aggregation_property: ["c"],
      invalid_filter_values: [],
      missing_group_key: [],
    });
    expect(isEmptyReport(report)).toBe(false);
    expect(isEmptyReport(eventsErrorsObject([]))).toBe(true);
  });
});

describe("the hours a run reports", () => {
  it("hourOf is the UTC hour's first instant", () => {
    expect(hourOf("2026-05-01T10:59:59.999Z")).toBe("2026-05-01T10:00:00.000Z");
    expect(hourOf("2026-05-01T11:00:00.000Z")).toBe("2026-05-01T11:00:00.000Z");
  });

  it("closed at least the grace before the run, within the lookback, oldest first", () => {
    expect(hoursToReport("2026-05-01T11:20:00.000Z", { graceMinutes: 15, lookbackHours: 3 })).toEqual([
      { startsAt: "2026-05-01T08:00:00.000Z", endsAt: "2026-05-01T09:00:00.000Z" },
      { startsAt: "2026-05-01T09:00:00.000Z", endsAt: "2026-05-01T10:00:00.000Z" },
      { startsAt: "2026-05-01T10:00:00.000Z", endsAt: "2026-05-01T11:00:00.000Z" },
    ]);
    // Before the grace has passed, the hour just closed waits for the next run.
    expect(hoursToReport("2026-05-01T11:10:00.000Z", { graceMinutes: 15, lookbackHours: 1 })).toEqual([
      { startsAt: "2026-05-01T09:00:00.000Z", endsAt: "2026-05-01T10:00:00.000Z" },
    ]);
  });

  it("across midnight and a month's end", () => {
    expect(hoursToReport("2026-06-01T00:15:00.000Z", { graceMinutes: 15, lookbackHours: 2 })).toEqual([
      { startsAt: "2026-05-31T22:00:00.000Z", endsAt: "2026-05-31T23:00:00.000Z" },
      { startsAt: "2026-05-31T23:00:00.000Z", endsAt: "2026-06-01T00:00:00.000Z" },
    ]);
  });
});
