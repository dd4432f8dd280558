import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inspectJson, isLosslessNumber, parseJson, stringifyJson } from "./json-text.js";

describe("exact JSON", () => {
  it("keeps integers beyond 2^53 as their digits, and writes them back as numbers", () => {
    const text = '{"ts_ns":1764547200000000001,"huge":1e308,"small":3,"half":0.5,"":"x","__proto__":{"a":1}}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(isLosslessNumber(value.ts_ns)).toBe(true);
    expect(String(value.ts_ns)).toBe("1764547200000000001");
    expect(value.small).toBe(3);
    expect(value.half).toBe(0.5);
    expect(Object.keys(value)).toEqual(["ts_ns", "huge", "small", "half", "", "__proto__"]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(stringifyJson(value)).toBe(text);
  });

  it("parses plain JSON as JSON.parse does, and writes it as JSON.stringify does", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        if (inspectJson(JSON.parse(text), Number.POSITIVE_INFINITY).inexactNumbers) return;
        expect(parseJson(text)).toEqual(JSON.parse(text));
        expect(stringifyJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it("round-trips any integer exactly, however large", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), (n) => {
        const text = `{"n":${n},"list":[${n}]}`;
        expect(stringifyJson(parseJson(text))).toBe(text);
      }),
    );
  });
});

describe("inspecting parsed JSON", () => {
  it("names the first value nested too deep, without recursing through 10,000 levels", () => {
    const deep = JSON.parse(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`);
    const found = inspectJson({ event: { properties: deep } }, 32);
    expect(found.tooDeepAt?.split(".").slice(0, 4)).toEqual(["event", "properties", "a", "a"]);
    expect(found.tooDeepAt?.split(".")).toHaveLength(32);
    expect(inspectJson({ a: [1, { b: 2 }] }, 3).tooDeepAt).toBeUndefined();
    expect(inspectJson({ a: [1, { b: 2 }] }, 2).tooDeepAt).toBe("a.1");
  });

  it("names the first string or key that is not valid Unicode (a lone surrogate)", () => {
    expect(inspectJson({ events: [{ transaction_id: "x\ud800" }] }, 32).invalidUnicodeAt).toBe(
      "events.0.transaction_id",
    );
    expect(inspectJson({ p: { "k\udc00": 1 } }, 32).invalidUnicodeAt).toBe("p.k\udc00");
    expect(inspectJson({ ok: "emoji \ud83d\ude00" }, 32).invalidUnicodeAt).toBeUndefined();
  });

  it("tells numbers JSON.parse rounded, and numbers beyond doubles", () => {
    expect(inspectJson(JSON.parse('{"a":9007199254740993}'), 32).inexactNumbers).toBe(true);
    expect(inspectJson(JSON.parse('{"a":9007199254740991,"b":0.1}'), 32).inexactNumbers).toBe(false);
    expect(inspectJson(JSON.parse('{"a":[1e999]}'), 32).outOfRangeAt).toBe("a.0");
  });
});
