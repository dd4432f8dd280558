import { expect, it } from "vitest";
import { stableUuid } from "./ids.js";

it("derives the same RFC 9562 version 8 UUID from the same parts, and another from other parts", () => {
  const id = stableUuid("org", "sub", "2024-01-01T00:00:00.000Z");
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(stableUuid("org", "sub", "2024-01-01T00:00:00.000Z")).toBe(id);
  expect(stableUuid("org", "sub", "2024-02-01T00:00:00.000Z")).not.toBe(id);
  // Parts are delimited, so moving a boundary changes the id.
  expect(stableUuid("ab", "c")).not.toBe(stableUuid("a", "bc"));
});
