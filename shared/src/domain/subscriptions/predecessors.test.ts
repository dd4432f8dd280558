import { describe, expect, it } from "vitest";
import { predecessorIds } from "./predecessors.js";

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
