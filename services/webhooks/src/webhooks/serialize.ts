import type { DeliveryAttempt, WebhookDelivery } from "../store/webhook-store.js";

/**
 * A delivery as our API shows it. Lago's REST API has no webhook object (its UI reads them over
 * GraphQL), so the client library has no type to check it against: the fields follow Lago's
 * GraphQL `Webhook` (id, endpoint, status, retries, http_status, response, dates) in the REST
 * API's naming, with the attempts ours records. The body is not shown (it may be large; it is the
 * event's object as the API shows it).
 */
export interface WebhookObject {
  readonly lago_id: string;
  readonly lago_webhook_endpoint_id: string;
  readonly lago_organization_id: string;
  readonly webhook_type: string;
  readonly object_type: string;
  readonly endpoint: string;
  readonly status: WebhookDelivery["status"];
  /** Attempts after the first, in all series, as Lago counts `retries`. */
  readonly retries: number;
  readonly http_status: number | null;
  readonly unique_key: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly last_retried_at: string | null;
  readonly attempts: readonly WebhookAttemptObject[];
}

export interface WebhookAttemptObject {
  readonly series: number;
  readonly attempt: number;
  readonly status: DeliveryAttempt["status"];
  readonly http_status: number | null;
  readonly duration_ms: number;
  readonly response: string | null;
  readonly error: string | null;
  readonly attempted_at: string;
}

export function serializeWebhook(delivery: WebhookDelivery): WebhookObject {
  return {
    lago_id: delivery.id,
    lago_webhook_endpoint_id: delivery.endpointId,
    lago_organization_id: delivery.organizationId,
    webhook_type: delivery.webhookType,
    object_type: delivery.objectType,
    endpoint: delivery.endpointUrl,
    status: delivery.status,
    retries: Math.max(0, delivery.attempts.length - 1),
    http_status: delivery.httpStatus,
    unique_key: delivery.uniqueKey,
    created_at: delivery.createdAt,
    updated_at: delivery.updatedAt,
    last_retried_at: delivery.lastRetriedAt,
    attempts: delivery.attempts.map((attempt) => ({
      series: attempt.series,
      attempt: attempt.attempt,
      status: attempt.status,
      http_status: attempt.httpStatus,
      duration_ms: attempt.durationMs,
      response: attempt.response,
      error: attempt.error,
      attempted_at: attempt.attemptedAt,
    })),
  };
}
