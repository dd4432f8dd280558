import { describe, expect, it } from "vitest";
import { fromStripeAmount, toStripeAmount } from "./stripe-amount.js";

describe("amounts in Stripe's units", () => {
  it("are our minor units for two-decimal and zero-decimal currencies", () => {
    expect(toStripeAmount(1999, "EUR")).toBe(1999);
    expect(toStripeAmount(1999, "usd")).toBe(1999);
    expect(toStripeAmount(500, "JPY")).toBe(500);
    expect(toStripeAmount(500, "KRW")).toBe(500);
    expect(fromStripeAmount(1999, "EUR")).toBe(1999);
  });

  it("send ISK and UGX with two decimals of 00", () => {
    expect(toStripeAmount(5, "ISK")).toBe(500);
    expect(toStripeAmount(1200, "UGX")).toBe(120000);
    expect(fromStripeAmount(500, "ISK")).toBe(5);
  });

  it("take three-decimal amounts ending in 0, and refuse others rather than round them", () => {
    expect(toStripeAmount(12340, "KWD")).toBe(12340);
    expect(toStripeAmount(12345, "KWD")).toBeUndefined();
    expect(toStripeAmount(12345, "BHD")).toBeUndefined();
  });
});
