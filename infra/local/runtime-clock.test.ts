import { expect, it } from "vitest";
import { manualClock, wallClock } from "./runtime-clock.js";

it("a manual clock stands at its last tick, one millisecond further per reading", () => {
  const clock = manualClock(Date.parse("2028-02-29T23:59:59.998Z"));
  expect(new Date(clock.now()).toISOString()).toBe("2028-02-29T23:59:59.998Z");
  expect(new Date(clock.now()).toISOString()).toBe("2028-02-29T23:59:59.999Z");
  clock.moveTo(Date.parse("2027-01-31T00:00:00Z"));
  expect(new Date(clock.now()).toISOString()).toBe("2027-01-31T00:00:00.000Z");
  expect(clock.now()).toBeGreaterThan(Date.parse("2027-01-31T00:00:00Z"));
});

it("the auto clock is the wall clock and ignores ticks", () => {
  const clock = wallClock();
  clock.moveTo(0);
  expect(Math.abs(clock.now() - Date.now())).toBeLessThan(60_000);
});
