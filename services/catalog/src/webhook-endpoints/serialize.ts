import type { WebhookEndpointObject } from "lago-javascript-client";
import type { WebhookEndpoint } from "#shared/domain/catalog.js";
import type { LagoShape } from "#shared/serializers/lago-shape.js";

export function serializeWebhookEndpoint(endpoint: WebhookEndpoint) {
  return {
    lago_id: endpoint.id,
    lago_organization_id: endpoint.organizationId,
    webhook_url: endpoint.webhookUrl,
    signature_algo: endpoint.signatureAlgo,
    name: endpoint.name,
    event_types: endpoint.eventTypes ? [...endpoint.eventTypes] : null,
    created_at: endpoint.createdAt,
  } satisfies LagoShape<WebhookEndpointObject>;
}
