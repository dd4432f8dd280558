import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { WebhookEndpoint } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok, text } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { SigningKeyStore } from "#shared/store/signing-key-store.js";
import { newestFirst, patch } from "../shared-schemas.js";
import { serializeWebhookEndpoint } from "./serialize.js";

/** Lago's limit on endpoints per organization. */
export const MAX_WEBHOOK_ENDPOINTS = 10;

const webhookUrl = z.string().refine(
  (value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: "url_is_invalid" },
);

const endpointFields = {
  webhook_url: webhookUrl,
  signature_algo: z.enum(["jwt", "hmac"], { message: "value_is_invalid" }).optional(),
  name: z.string().nullable().optional(),
  event_types: z.array(z.string().min(1)).nullable().optional(),
};

async function existing(request: ApiRequest, store: CatalogStore): Promise<WebhookEndpoint> {
  const endpoint = await store.getWebhookEndpoint(request.organization.id, request.params.lago_id ?? "");
  if (!endpoint) throw notFound("webhook_endpoint");
  return endpoint;
}

/** One endpoint per URL in an organization, and at most ten of them. */
async function checkAllowed(store: CatalogStore, organizationId: string, url: string, except?: string) {
  const others = (await store.listWebhookEndpoints(organizationId)).filter(
    (endpoint) => endpoint.id !== except,
  );
  if (others.some((endpoint) => endpoint.webhookUrl === url))
    throw invalid("webhook_url", "value_already_exist");
  if (!except && others.length >= MAX_WEBHOOK_ENDPOINTS) throw invalid("base", "exceeded_limit");
}

/** Creates an endpoint; also how `PUT /organizations` with a `webhook_url` adds one. */
export async function addWebhookEndpoint(
  store: CatalogStore,
  organizationId: string,
  input: {
    webhook_url: string;
    signature_algo?: "jwt" | "hmac";
    name?: string | null;
    event_types?: string[] | null;
  },
  now: string,
): Promise<WebhookEndpoint> {
  await checkAllowed(store, organizationId, input.webhook_url);
  const endpoint: WebhookEndpoint = {
    id: randomUUID(),
    organizationId,
    webhookUrl: input.webhook_url,
    name: input.name ?? null,
    signatureAlgo: input.signature_algo ?? "jwt",
    eventTypes: input.event_types ?? null,
    createdAt: now,
  };
  await store.createWebhookEndpoint(endpoint);
  return endpoint;
}

export async function createWebhookEndpoint(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(z.object(endpointFields), rootParam(request.body, "webhook_endpoint"));
  const endpoint = await addWebhookEndpoint(store, request.organization.id, input, request.receivedAt);
  return ok({ webhook_endpoint: serializeWebhookEndpoint(endpoint) });
}

export async function updateWebhookEndpoint(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(
    z.object(endpointFields).partial(),
    rootParam(request.body, "webhook_endpoint"),
  );
  const endpoint = await existing(request, store);
  if (input.webhook_url) await checkAllowed(store, request.organization.id, input.webhook_url, endpoint.id);
  const updated: WebhookEndpoint = {
    ...endpoint,
    webhookUrl: patch(input.webhook_url, endpoint.webhookUrl),
    signatureAlgo: patch(input.signature_algo, endpoint.signatureAlgo),
    name: patch(input.name, endpoint.name) ?? null,
    eventTypes: patch(input.event_types, endpoint.eventTypes) ?? null,
  };
  await store.updateWebhookEndpoint(updated);
  return ok({ webhook_endpoint: serializeWebhookEndpoint(updated) });
}

export async function deleteWebhookEndpoint(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const endpoint = await existing(request, store);
  await store.deleteWebhookEndpoint(endpoint);
  return ok({ webhook_endpoint: serializeWebhookEndpoint(endpoint) });
}

export async function getWebhookEndpoint(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  return ok({ webhook_endpoint: serializeWebhookEndpoint(await existing(request, store)) });
}

export async function listWebhookEndpoints(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const endpoints = (await store.listWebhookEndpoints(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(endpoints, pageOf(request.query));
  return ok({ webhook_endpoints: items.map(serializeWebhookEndpoint), meta });
}

/** GET /webhooks/public_key: the PEM of the key verifying `jwt` signatures, base64-encoded, as text. */
export async function webhookPublicKey(keys: SigningKeyStore): Promise<HttpResponse> {
  return text(200, Buffer.from((await keys.keyPair()).publicKeyPem).toString("base64"));
}

/** GET /webhooks/json_public_key: the same key, in JSON. */
export async function webhookJsonPublicKey(keys: SigningKeyStore): Promise<HttpResponse> {
  return ok({ webhook: { public_key: Buffer.from((await keys.keyPair()).publicKeyPem).toString("base64") } });
}
