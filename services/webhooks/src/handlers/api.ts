import { createApiHandler } from "#shared/platform/http/api-handler.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { apiKeyResolver } from "#shared/store/organization-store.js";
import type { WebhooksRoute } from "../routes.js";
import { SigningKeyStore } from "../store/signing-key-store.js";
import * as webhooks from "../webhooks/webhook-routes.js";
import { deliverDeps } from "./webhook-deps.js";

let keys: SigningKeyStore | undefined;
const signingKeys = (): SigningKeyStore => {
  keys ??= new SigningKeyStore();
  return keys;
};
let catalog: CatalogStore | undefined;
const catalogStore = (): CatalogStore => {
  catalog ??= new CatalogStore();
  return catalog;
};

export const handler = createApiHandler<WebhooksRoute>({
  service: "webhooks-api",
  resolveApiKey: apiKeyResolver(),
  routes: {
    "GET /api/v1/webhooks/public_key": () => webhooks.webhookPublicKey(signingKeys()),
    "GET /api/v1/webhooks/json_public_key": () => webhooks.webhookJsonPublicKey(signingKeys()),
    "GET /api/v1/webhook_endpoints/{lago_id}/webhooks": (request) =>
      webhooks.listEndpointWebhooks(request, {
        catalog: catalogStore(),
        deliveries: deliverDeps().deliveries,
      }),
    "POST /api/v1/webhooks/{lago_id}/retry": (request) => webhooks.retryWebhook(request, deliverDeps()),
  },
});
