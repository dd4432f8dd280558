import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metricDefinition, usageEvent } from "../aggregation/test-events.js";
import { scenario } from "./test-arbitraries.js";
import type { UniqueValueState } from "./types.js";
import { foldUniqueValues, mergeUniqueValue, mergeUniqueValues } from "./unique-values.js";

const unique = metricDefinition("unique_count_agg", { fieldName: "user" });

describe("foldUniqueValues", () => {
  it("keeps each value's last operation in event order, not in the order given", () => {
    const add = usageEvent("2024-03-02T00:00:00Z", { user: "u1" });
    const remove = usageEvent("2024-03-03T00:00:00Z", { user: "u1", operation_type: "remove" });
    const readd = usageEvent("2024-03-04T00:00:00Z", { user: 7, operation_type: "add" });
    const states = foldUniqueValues(unique, [remove, readd, add]);
    expect(states.get("u1")).toMatchObject({ active: false, last: { lagoId: remove.lagoId } });
    expect(states.get("7")).toMatchObject({ active: true });
  });

  it("reads operation_type as the reference does: blank is add, anything but add removes", () => {
    const at = "2024-03-02T00:00:00Z";
    const states = foldUniqueValues(unique, [
      usageEvent(at, { user: "a", operation_type: "" }),
      usageEvent(at, { user: "b", operation_type: null }),
      usageEvent(at, { user: "c", operation_type: "delete" }),
      usageEvent(at, { user: "d", operation_type: "REMOVE" }),
    ]);
    expect([...states.values()].map((state) => [state.value, state.active])).toEqual([
      ["a", true],
      ["b", true],
      ["c", false],
      ["d", false],
    ]);
  });

  it("skips events without a value and of other codes", () => {
    const at = "2024-03-02T00:00:00Z";
    const states = foldUniqueValues(unique, [
      usageEvent(at, {}),
      usageEvent(at, { user: null }),
      usageEvent(at, { user: "x" }, { code: "other" }),
      usageEvent(at, { user: "" }),
    ]);
    expect([...states.keys()]).toEqual([""]);
  });

  it("breaks timestamp ties by reception, then transaction id, then Lago id", () => {
    const at = "2024-03-02T00:00:00Z";
    const earlier = usageEvent(at, { user: "u" }, { receivedAt: "2030-01-01T00:00:01Z", transactionId: "z" });
    const later = usageEvent(
      at,
      { user: "u", operation_type: "remove" },
      { receivedAt: "2030-01-01T00:00:02Z", transactionId: "a" },
    );
    expect(foldUniqueValues(unique, [later, earlier]).get("u")?.active).toBe(false);
  });
});

describe("mergeUniqueValue", () => {
  const states = scenario.map((s) => [
    ...foldUniqueValues(
      { ...s.metric, aggregationType: "unique_count_agg", fieldName: "uid" },
      s.events,
    ).values(),
  ]);

  it("is commutative, associative and idempotent, so deliveries merge in any order, repeatedly", () => {
    const sameValue = (list: readonly UniqueValueState[]) => list.map((state) => ({ ...state, value: "v" }));
    fc.assert(
      fc.property(states, (list) => {
        const [a, b, c] = sameValue(list);
        if (!a || !b || !c) return;
        expect(mergeUniqueValue(a, b)).toEqual(mergeUniqueValue(b, a));
        expect(mergeUniqueValue(mergeUniqueValue(a, b), c)).toEqual(
          mergeUniqueValue(a, mergeUniqueValue(b, c)),
        );
        expect(mergeUniqueValue(a, a)).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it("merges per value the same states whatever the order and repetition", () => {
    fc.assert(
      fc.property(states, fc.infiniteStream(fc.nat()), (list, order) => {
        const keys = list.map(() => order.next().value);
        const shuffled = [...list].sort(
          (x, y) => (keys[list.indexOf(x)] ?? 0) - (keys[list.indexOf(y)] ?? 0),
        );
        const once = [...mergeUniqueValues(list).entries()].sort();
        const twice = [...mergeUniqueValues([...shuffled, ...list]).entries()].sort();
        expect(twice).toEqual(once);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses to merge two different values", () => {
    const [a] = foldUniqueValues(unique, [usageEvent("2024-03-02T00:00:00Z", { user: "a" })]).values();
    if (!a) throw new Error("no state");
    expect(() => mergeUniqueValue(a, { ...a, value: "b" })).toThrow(RangeError);
  });

  it("lets the remove win two states at the same position, in either order", () => {
    const [add] = foldUniqueValues(unique, [usageEvent("2024-03-02T00:00:00Z", { user: "a" })]).values();
    if (!add) throw new Error("no state");
    const remove = { ...add, active: false };
    expect(mergeUniqueValue(add, remove)).toBe(remove);
    expect(mergeUniqueValue(remove, add)).toBe(remove);
  });
});
