/**
 * The local runtime's one clock: API requests (API Gateway's `requestContext.timeEpoch`), the
 * billing jobs' `now`, and everything else the runtime stamps read it, so time is the same for all
 * of them.
 *
 * - `auto`: the wall clock.
 * - `manual`: stands at the instant of the last `/_local/tick` (before any tick, at the instant the
 *   runtime was started with), and moves one millisecond per reading so that requests keep the
 *   order in which they arrived (events listed by reception, newest first).
 */
export interface RuntimeClock {
  readonly mode: "auto" | "manual";
  /** The current instant, in epoch milliseconds. */
  now(): number;
  /** Moves a manual clock to `instantMs` (a tick); an auto clock ignores it. */
  moveTo(instantMs: number): void;
}

export function wallClock(): RuntimeClock {
  return { mode: "auto", now: () => Date.now(), moveTo: () => undefined };
}

export function manualClock(startMs: number): RuntimeClock {
  let next = startMs;
  return {
    mode: "manual",
    now: () => next++,
    moveTo: (instantMs) => {
      next = instantMs;
    },
  };
}
