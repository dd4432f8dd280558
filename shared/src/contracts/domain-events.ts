/**
 * The domain events every service publishes on the EventBridge bus, and the webhooks service
 * delivers. An event's `detail` is Lago's webhook body exactly (`webhook_type`, `object_type`,
 * `organization_id` and the object under its `object_type`), plus `unique_key`: the same for every
 * publication of one event, so the dispatcher delivers it once per endpoint however often it is
 * published, and the receiver sees it as `X-Lago-Unique-Key`.
 */
import type { LagoWebhookPayloads, LagoWebhookType } from "lago-javascript-client";
import type { LagoShape } from "../serializers/lago-shape.js";

/** Every source starts with this, so one bus rule takes every service's events. */
export const DOMAIN_EVENT_SOURCE_PREFIX = "serverless-billing.";

export const DOMAIN_EVENT_SOURCES = {
  catalog: `${DOMAIN_EVENT_SOURCE_PREFIX}catalog`,
  aggregate: `${DOMAIN_EVENT_SOURCE_PREFIX}aggregate`,
  invoicing: `${DOMAIN_EVENT_SOURCE_PREFIX}invoicing`,
} as const;

export type DomainEventSource = (typeof DOMAIN_EVENT_SOURCES)[keyof typeof DOMAIN_EVENT_SOURCES];

/**
 * A webhook body as Lago sends it for `T`, every field present (a nil as null): what a producer's
 * payload `satisfies`, so a missing or misnamed field fails the type check.
 */
export type WebhookBody<T extends LagoWebhookType> = LagoShape<LagoWebhookPayloads[T]>;

/** What a domain event's `detail` holds on the bus. Our own events (no Lago type) have the same envelope. */
export interface DomainEventDetail {
  readonly webhook_type: string;
  readonly object_type: string;
  readonly organization_id: string;
  readonly unique_key: string;
  readonly [object: string]: unknown;
}
