/**
 * When a webhook delivery is tried again (pure: no clock, no I/O). Lago tries a webhook
 * `LAGO_WEBHOOK_ATTEMPTS` times (3), waiting about retries⁴ + 2 seconds after each failure
 * (Active Job's polynomial wait); its random 15% on top is left out, so a test can predict the
 * wait. `scale` stretches or shrinks every wait (0 in tests, 1 deployed).
 */
export interface RetryPolicy {
  /** Attempts in one series, the first included. */
  readonly maxAttempts: number;
  /** Multiplies every wait; 1 is Lago's. */
  readonly backoffScale: number;
}

export const LAGO_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, backoffScale: 1 };

/** SQS delays a message at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/** Whether a series that has made `attemptsMade` attempts, all failed, may try again. */
export function mayRetry(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade < policy.maxAttempts;
}

/** Seconds to wait before the next attempt after `failedAttempts` failures (≥ 1), whole and capped. */
export function retryDelaySeconds(policy: RetryPolicy, failedAttempts: number): number {
  const lago = failedAttempts ** 4 + 2;
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(lago * policy.backoffScale)));
}

/** An HTTP answer counts as delivered only when it is a 2xx (a redirect is not followed). */
export function isDelivered(httpStatus: number): boolean {
  return httpStatus >= 200 && httpStatus < 300;
}
