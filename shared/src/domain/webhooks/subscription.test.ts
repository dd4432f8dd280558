import { describe, expect, it } from "vitest";
import { isSubscribed } from "./subscription.js";

describe("endpoint subscriptions", () => {
  it("sends every type to an endpoint with no type listed, null or empty", () => {
    expect(isSubscribed({ eventTypes: null }, "invoice.created")).toBe(true);
    expect(isSubscribed({ eventTypes: [] }, "customer.created")).toBe(true);
  });

  it("sends only the listed types otherwise", () => {
    const endpoint = { eventTypes: ["invoice.created", "invoice.voided"] };
    expect(isSubscribed(endpoint, "invoice.voided")).toBe(true);
    expect(isSubscribed(endpoint, "invoice.drafted")).toBe(false);
  });
});
