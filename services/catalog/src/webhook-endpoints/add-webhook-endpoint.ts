import { randomUUID } from "node:crypto";
import type { WebhookEndpoint } from "#shared/domain/catalog.js";
import { invalid } from "#shared/platform/http/errors.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

/** Lago's limit on endpoints per organization. */
export const MAX_WEBHOOK_ENDPOINTS = 10;

export interface WebhookEndpointInput {
  readonly webhook_url: string;
  readonly signature_algo?: "jwt" | "hmac";
  readonly name?: string | null;
  readonly event_types?: string[] | null;
}

/** One endpoint per URL in an organization, and at most ten of them. */
export async function checkWebhookEndpointAllowed(
  store: CatalogStore,
  organizationId: string,
  url: string,
  except?: string,
): Promise<void> {
  const others = (await store.listWebhookEndpoints(organizationId)).filter(
    (endpoint) => endpoint.id !== except,
  );
  if (others.some((endpoint) => endpoint.webhookUrl === url))
    throw invalid("webhook_url", "value_already_exist");
  if (!except && others.length >= MAX_WEBHOOK_ENDPOINTS) throw invalid("base", "exceeded_limit");
}

/**
 * A new endpoint, checked against the organization's others but not written: the caller writes
 * it, alone (POST /webhook_endpoints) or with the organization (PUT /organizations' legacy
 * `webhook_url`).
 */
export async function newWebhookEndpoint(
  store: CatalogStore,
  organizationId: string,
  input: WebhookEndpointInput,
  now: string,
): Promise<WebhookEndpoint> {
  await checkWebhookEndpointAllowed(store, organizationId, input.webhook_url);
  return {
    id: randomUUID(),
    organizationId,
    webhookUrl: input.webhook_url,
    name: input.name ?? null,
    signatureAlgo: input.signature_algo ?? "jwt",
    eventTypes: input.event_types ?? null,
    createdAt: now,
  };
}
