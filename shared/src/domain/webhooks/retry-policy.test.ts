import { describe, expect, it } from "vitest";
import { isDelivered, LAGO_RETRY_POLICY, mayRetry, retryDelaySeconds } from "./retry-policy.js";

describe("webhook retry policy", () => {
  it("tries three times in all, as Lago does by default", () => {
    expect([1, 2, 3].map((made) => mayRetry(LAGO_RETRY_POLICY, made))).toEqual([true, true, false]);
  });

  it("waits retries⁴ + 2 seconds, growing, capped at SQS's 15 minutes", () => {
    expect([1, 2, 3, 4, 6].map((failed) => retryDelaySeconds(LAGO_RETRY_POLICY, failed))).toEqual([
      3, 18, 83, 258, 900,
    ]);
  });

  it("scales every wait, to none in tests", () => {
    expect(retryDelaySeconds({ maxAttempts: 3, backoffScale: 0 }, 2)).toBe(0);
    expect(retryDelaySeconds({ maxAttempts: 3, backoffScale: 0.5 }, 2)).toBe(9);
  });

  it("counts only a 2xx as delivered", () => {
    expect([200, 204, 299, 301, 304, 400, 500].map(isDelivered)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
