import type { WebhookEndpoint } from "#shared/domain/catalog.js";
import {
  isDelivered,
  mayRetry,
  type RetryPolicy,
  retryDelaySeconds,
} from "#shared/domain/webhooks/retry-policy.js";
import type { SigningKeyPair } from "../store/signing-key-store.js";
import type {
  DeliveryAttempt,
  DeliveryStatus,
  WebhookDelivery,
  WebhookStore,
} from "../store/webhook-store.js";
import type { AttemptMessage, DeliveryQueue } from "./delivery-message.js";
import type { PostOutcome, WebhookPoster } from "./post-webhook.js";
import { hmacSignature, jwtSignature, webhookHeaders } from "./sign-webhook.js";

export interface DeliverDeps {
  readonly deliveries: WebhookStore;
  /** The endpoint as it is now (its URL and algorithm may have changed), from the catalog. */
  readonly endpoint: (organizationId: string, endpointId: string) => Promise<WebhookEndpoint | undefined>;
  readonly hmacKey: (organizationId: string) => Promise<string | undefined>;
  readonly signingKey: () => Promise<SigningKeyPair>;
  /** The `iss` of jwt signatures: the API's URL, as Lago's `LAGO_API_URL`. */
  readonly issuer: string;
  readonly post: WebhookPoster;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  /** Epoch milliseconds: attempts' times, their durations, leases. */
  readonly clock: () => number;
  readonly newToken: () => string;
  readonly enqueue: DeliveryQueue;
  /** Puts a delivery whose last attempt failed in the dead-letter queue, which raises the alarm. */
  readonly deadLetter: (delivery: WebhookDelivery) => Promise<void>;
}

/** Thrown when another invocation holds the attempt: the message comes back once its lease ends. */
export class AttemptInProgressError extends Error {
  constructor(deliveryId: string) {
    super(`an attempt of webhook ${deliveryId} is under way`);
    this.name = "AttemptInProgressError";
  }
}

/** An attempt's lease outlives the HTTP timeout by this margin. */
const LEASE_MARGIN_MS = 30_000;

/** What follows an attempt that is recorded: the next one queued, or the dead-letter queue. */
async function followUp(deps: DeliverDeps, delivery: WebhookDelivery): Promise<void> {
  if (delivery.status === "retrying") {
    const failed = delivery.nextAttempt - 1;
    await deps.enqueue([
      {
        message: {
          kind: "attempt",
          organizationId: delivery.organizationId,
          deliveryId: delivery.id,
          series: delivery.series,
          attempt: delivery.nextAttempt,
        },
        delaySeconds: retryDelaySeconds(deps.policy, failed),
      },
    ]);
  } else if (delivery.status === "failed" && !delivery.deadLettered) {
    await deps.deadLetter(delivery);
    await deps.deliveries.markDeadLettered(delivery);
  }
}

/** Refused before any request: a URL that is not http(s) (file:, gopher:, …) is never fetched. */
function refusal(url: string): string | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return "refused: not a valid URL";
  }
  return protocol === "http:" || protocol === "https:" ? undefined : `refused: ${protocol} is not http(s)`;
}

async function sign(deps: DeliverDeps, delivery: WebhookDelivery, endpoint: WebhookEndpoint, body: string) {
  if (endpoint.signatureAlgo === "hmac") {
    const key = await deps.hmacKey(delivery.organizationId);
    if (key === undefined) return undefined;
    return hmacSignature(body, key);
  }
  return jwtSignature(body, (await deps.signingKey()).privateKeyPem, deps.issuer);
}

/** One attempt: the outcome, and whether a failure is final whatever attempts are left. */
async function attempt(
  deps: DeliverDeps,
  delivery: WebhookDelivery,
  endpoint: WebhookEndpoint | undefined,
): Promise<{ outcome: PostOutcome; final: boolean; url: string }> {
  if (!endpoint)
    return {
      outcome: { kind: "no_answer", error: "webhook endpoint deleted" },
      final: true,
      url: delivery.endpointUrl,
    };
  const refused = refusal(endpoint.webhookUrl);
  if (refused)
    return { outcome: { kind: "no_answer", error: refused }, final: true, url: endpoint.webhookUrl };
  const body = await deps.deliveries.body(delivery.organizationId, delivery.uniqueKey);
  if (body === undefined)
    return {
      outcome: { kind: "no_answer", error: "webhook body not found" },
      final: true,
      url: endpoint.webhookUrl,
    };
  const signature = await sign(deps, delivery, endpoint, body);
  if (signature === undefined)
    return {
      outcome: { kind: "no_answer", error: "organization not found" },
      final: true,
      url: endpoint.webhookUrl,
    };
  const headers = webhookHeaders(signature, endpoint.signatureAlgo, delivery.uniqueKey);
  const outcome = await deps.post(endpoint.webhookUrl, headers, body, deps.timeoutMs);
  return { outcome, final: false, url: endpoint.webhookUrl };
}

/**
 * Makes attempt `message.attempt` of a delivery, once: the attempt is claimed with a lease (a
 * second message for it finds it taken or made), POSTed, and recorded with its outcome; then the
 * next attempt is queued after the backoff, or, after the last, the delivery goes to the
 * dead-letter queue. A message for an attempt already recorded only makes sure what follows it was
 * done (the invocation recording it may have died before), so a succeeded delivery is never sent
 * again and a retry is never lost.
 */
export async function deliverWebhook(deps: DeliverDeps, message: AttemptMessage): Promise<void> {
  const delivery = await deps.deliveries.get(message.organizationId, message.deliveryId);
  if (!delivery || delivery.status === "succeeded" || delivery.series !== message.series) return;
  if (delivery.nextAttempt === message.attempt + 1) return followUp(deps, delivery);
  if (delivery.nextAttempt !== message.attempt || delivery.status === "failed") return;

  const token = deps.newToken();
  const startedAt = deps.clock();
  const claimed = await deps.deliveries.claim(
    delivery,
    message.series,
    message.attempt,
    token,
    startedAt,
    startedAt + deps.timeoutMs + LEASE_MARGIN_MS,
  );
  if (!claimed) {
    const now = await deps.deliveries.get(message.organizationId, message.deliveryId);
    if (now && now.nextAttempt === message.attempt && now.series === message.series && now.leaseToken)
      throw new AttemptInProgressError(delivery.id);
    return;
  }

  const endpoint = await deps.endpoint(delivery.organizationId, delivery.endpointId);
  const { outcome, final, url } = await attempt(deps, claimed, endpoint);
  const endedAt = deps.clock();
  const succeeded = outcome.kind === "answer" && isDelivered(outcome.httpStatus);
  const recorded: DeliveryAttempt = {
    series: message.series,
    attempt: message.attempt,
    status: succeeded ? "succeeded" : "failed",
    httpStatus: outcome.kind === "answer" ? outcome.httpStatus : null,
    durationMs: Math.max(0, Math.round(endedAt - startedAt)),
    response: outcome.kind === "answer" ? outcome.body : null,
    error: outcome.kind === "no_answer" ? outcome.error : null,
    attemptedAt: new Date(startedAt).toISOString(),
  };
  const status: DeliveryStatus = succeeded
    ? "succeeded"
    : !final && mayRetry(deps.policy, message.attempt)
      ? "retrying"
      : "failed";
  const updated = await deps.deliveries.recordAttempt(claimed, token, recorded, status, url);
  await followUp(deps, updated);
}
