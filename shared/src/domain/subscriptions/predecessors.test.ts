import { describe, expect, it } from "vitest";
import { predecessorIds, usageChainStart } from "./predecessors.js";

const entry = (id: string, previousSubscriptionId: string | null = null) => ({ id, previousSubscriptionId });

describe("predecessorIds", () => {
  it("is empty for a subscription that replaced none", () => {
    expect(predecessorIds(entry("a"), [])).toEqual([]);
  });

  it("walks upgrade after downgrade back to the first plan, newest first", () => {
    // a (starter) → b (pro, upgrade) → c (starter again, downgrade)
    const history = [entry("a"), entry("b", "a")];
    expect(predecessorIds(entry("c", "b"), history)).toEqual(["b", "a"]);
  });

  it("leaves out an earlier subscription that only held the same external id", () => {
    // `old` ended; `a` took its external id over (no predecessor), then was upgraded to `b`.
    const history = [entry("old"), entry("a")];
    expect(predecessorIds(entry("b", "a"), history)).toEqual(["a"]);
  });

  it("names the predecessor the record gives even when the history lacks it", () => {
    expect(predecessorIds(entry("b", "a"), [])).toEqual(["a"]);
  });

  it("stops at a loop instead of spinning", () => {
    const history = [entry("a", "b"), entry("b", "a")];
    expect(predecessorIds(entry("c", "a"), history)).toEqual(["a", "b"]);
    expect(predecessorIds(entry("a", "b"), history)).toEqual(["b"]);
  });
});

describe("where a subscription's recurring usage starts", () => {
  const started = (id: string, previousSubscriptionId: string | null, startedAt: string) => ({
    id,
    previousSubscriptionId,
    startedAt,
  });
  it("is the first start of its chain of plan changes, not an earlier holder of the same external id", () => {
    const unrelated = started("old", null, "2026-01-01T00:00:00.000Z");
    const first = started("a", null, "2026-03-01T00:00:00.000Z");
    const upgraded = started("b", "a", "2026-03-15T00:00:00.000Z");
    const current = started("c", "b", "2026-04-01T00:00:00.000Z");
    expect(usageChainStart(current, [unrelated, first, upgraded])).toBe("2026-03-01T00:00:00.000Z");
    expect(usageChainStart(first, [unrelated])).toBe("2026-03-01T00:00:00.000Z");
  });
});
