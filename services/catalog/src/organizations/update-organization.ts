import type { Organization } from "#shared/domain/catalog.js";
import type { CatalogWrite } from "#shared/store/catalog-store.js";
import { newWebhookEndpoint } from "../webhook-endpoints/add-webhook-endpoint.js";
import type { OrganizationDeps } from "./organization-deps.js";

/**
 * Saves a changed organization. Lago's legacy single `webhook_url`: setting one adds it as an
 * endpoint unless it is one already, in the same transaction as the organization.
 */
export async function updateOrganization(
  deps: OrganizationDeps,
  updated: Organization,
  webhookUrl: string | null | undefined,
  now: string,
): Promise<void> {
  const writes: CatalogWrite[] = [deps.organizations.replacement(updated)];
  if (webhookUrl) {
    const endpoints = await deps.catalog.listWebhookEndpoints(updated.id);
    if (!endpoints.some((endpoint) => endpoint.webhookUrl === webhookUrl)) {
      const endpoint = await newWebhookEndpoint(deps.catalog, updated.id, { webhook_url: webhookUrl }, now);
      writes.push(deps.catalog.webhookEndpointInsertion(endpoint));
    }
  }
  await deps.catalog.write(writes);
}
