import { z } from "zod";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok, text } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { type ResendDeps, resendWebhook } from "../delivery/resend-webhook.js";
import type { SigningKeyStore } from "../store/signing-key-store.js";
import type { WebhookStore } from "../store/webhook-store.js";
import { serializeWebhook } from "./serialize.js";

/** GET /webhooks/public_key: the PEM of the key verifying `jwt` signatures, base64-encoded, as text. */
export async function webhookPublicKey(keys: SigningKeyStore): Promise<HttpResponse> {
  return text(200, Buffer.from((await keys.keyPair()).publicKeyPem).toString("base64"));
}

/** GET /webhooks/json_public_key: the same key, in JSON. */
export async function webhookJsonPublicKey(keys: SigningKeyStore): Promise<HttpResponse> {
  return ok({ webhook: { public_key: Buffer.from((await keys.keyPair()).publicKeyPem).toString("base64") } });
}

const listQuery = z.object({
  status: z.enum(["pending", "retrying", "succeeded", "failed"], { message: "value_is_invalid" }).optional(),
});

/** GET /webhook_endpoints/{lago_id}/webhooks: the endpoint's deliveries, newest first, by page. */
export async function listEndpointWebhooks(
  request: ApiRequest,
  deps: { catalog: CatalogStore; deliveries: WebhookStore },
): Promise<HttpResponse> {
  const { status } = parseOrReject(listQuery, { status: request.query.get("status") ?? undefined });
  const page = pageOf(request.query);
  const endpoint = await deps.catalog.getWebhookEndpoint(
    request.organization.id,
    request.params.lago_id ?? "",
  );
  if (!endpoint) throw notFound("webhook_endpoint");
  const deliveries = await deps.deliveries.listForEndpoint(request.organization.id, endpoint.id, status);
  const { items, meta } = paginate(deliveries, page);
  return ok({ webhooks: items.map(serializeWebhook), meta });
}

/**
 * POST /webhooks/{lago_id}/retry: sends a failed delivery again, the same body with the same
 * unique key, in a new series of attempts. As Lago, a succeeded one is refused (405
 * `is_succeeded`); one still being tried is refused too (405 `is_retrying`), where Lago would queue
 * a second send of it.
 */
export async function retryWebhook(request: ApiRequest, deps: ResendDeps): Promise<HttpResponse> {
  const delivery = await deps.deliveries.get(request.organization.id, request.params.lago_id ?? "");
  if (!delivery) throw notFound("webhook");
  if (delivery.status === "succeeded") throw methodNotAllowed("is_succeeded");
  const resent = await resendWebhook(deps, delivery, request.receivedAt);
  if (!resent) throw methodNotAllowed("is_retrying");
  return ok({ webhook: serializeWebhook(resent) });
}
