import { z } from "zod";
import type { WebhookEndpoint } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { text as boundedText, codeList, MAX_EVENT_TYPES, MAX_NAME_LENGTH } from "../catalog-limits.js";
import { newestFirst, patch, webhookUrl } from "../shared-schemas.js";
import { checkWebhookEndpointAllowed, newWebhookEndpoint } from "./add-webhook-endpoint.js";
import { serializeWebhookEndpoint } from "./serialize.js";

const endpointFields = {
  webhook_url: webhookUrl,
  signature_algo: z.enum(["jwt", "hmac"], { message: "value_is_invalid" }).optional(),
  name: boundedText(MAX_NAME_LENGTH).nullable().optional(),
  event_types: codeList(MAX_EVENT_TYPES, "too_many_event_types").nullable().optional(),
};

async function existing(request: ApiRequest, store: CatalogStore): Promise<WebhookEndpoint> {
  const endpoint = await store.getWebhookEndpoint(request.organization.id, request.params.lago_id ?? "");
  if (!endpoint) throw notFound("webhook_endpoint");
  return endpoint;
}

export async function createWebhookEndpoint(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(z.object(endpointFields), rootParam(request.body, "webhook_endpoint"));
  const endpoint = await newWebhookEndpoint(store, request.organization.id, input, request.receivedAt);
  await store.createWebhookEndpoint(endpoint);
  return ok({ webhook_endpoint: serializeWebhookEndpoint(endpoint) });
}

export async function updateWebhookEndpoint(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(
    z.object(endpointFields).partial(),
    rootParam(request.body, "webhook_endpoint"),
  );
  const endpoint = await existing(request, store);
  if (input.webhook_url)
    await checkWebhookEndpointAllowed(store, request.organization.id, input.webhook_url, endpoint.id);
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
