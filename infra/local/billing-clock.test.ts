import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { startBillingClock } from "./billing-clock.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-24T10:07:30.000Z"));
});
afterEach(() => vi.useRealTimers());

it("runs on quarter hours of the wall clock, with the scheduled instant as now, until stopped", async () => {
  const runs: string[] = [];
  const stop = startBillingClock(15, async (now) => {
    runs.push(now);
  });
  await vi.advanceTimersByTimeAsync(7 * 60_000 + 29_000);
  expect(runs).toEqual([]);
  await vi.advanceTimersByTimeAsync(1_000);
  expect(runs).toEqual(["2026-11-24T10:15:00.000Z"]);
  await vi.advanceTimersByTimeAsync(30 * 60_000);
  expect(runs).toEqual(["2026-11-24T10:15:00.000Z", "2026-11-24T10:30:00.000Z", "2026-11-24T10:45:00.000Z"]);
  stop();
  await vi.advanceTimersByTimeAsync(60 * 60_000);
  expect(runs).toHaveLength(3);
});
