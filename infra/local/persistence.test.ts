import { describe, expect, it } from "vitest";
import { type PeriodicSnapshotOptions, PeriodicSnapshots } from "./persistence.js";

/** A periodic snapshot against fakes: `state` is what "the runtime" did, `writes` what was kept. */
function setup(overrides: Partial<PeriodicSnapshotOptions> = {}) {
  // A save takes 5 ms of this clock, so the next one may start 50 ms after it ended.
  const state = { started: 0, quiet: true, writes: 0, nowMs: 0, duringSave: (): void => undefined };
  const snapshots = new PeriodicSnapshots({
    everyMs: 60_000,
    fingerprint: () => String(state.started),
    quiet: async () => state.quiet,
    nowMs: () => state.nowMs,
    save: async ({ commitIf }) => {
      state.nowMs += 5;
      state.duringSave();
      if (!(await commitIf())) return undefined;
      state.writes++;
      return { items: 0, messages: 0 };
    },
    log: () => undefined,
    ...overrides,
  });
  return { state, snapshots };
}

describe("periodic snapshots", () => {
  it("write only when something changed since the last one", async () => {
    const { state, snapshots } = setup();
    expect(await snapshots.attempt()).toBe(false);
    state.started++;
    expect(await snapshots.attempt()).toBe(true);
    state.nowMs += 1000;
    expect(await snapshots.attempt()).toBe(false);
    expect(state.writes).toBe(1);
  });

  it("wait for a quiet moment, and throw away a snapshot during which anything started", async () => {
    const { state, snapshots } = setup();
    state.started++;
    state.quiet = false;
    expect(await snapshots.attempt()).toBe(false);
    state.quiet = true;
    state.duringSave = () => {
      state.started++;
    };
    expect(await snapshots.attempt()).toBe(false);
    expect(state.writes).toBe(0);
    state.duringSave = () => undefined;
    // Spaced by ten times the last save's duration.
    state.nowMs += 49;
    expect(await snapshots.attempt()).toBe(false);
    state.nowMs += 1;
    expect(await snapshots.attempt()).toBe(true);
  });

  it("skip what the final snapshot at stop already holds", async () => {
    const { state, snapshots } = setup();
    state.started++;
    snapshots.markSaved();
    expect(await snapshots.attempt()).toBe(false);
  });
});
