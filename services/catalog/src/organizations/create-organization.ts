import { randomBytes, randomUUID } from "node:crypto";
import { defaultDocumentPrefix, EMPTY_LEGAL_DETAILS, type Organization } from "#shared/domain/catalog.js";
import { hashApiKey } from "#shared/platform/http/api-key-auth.js";
import { ApiKeyTakenError, type OrganizationStore } from "#shared/store/organization-store.js";

export interface NewOrganization {
  readonly name: string;
  /** A key to use instead of a generated one (the local runtime's BILLING_API_KEY). */
  readonly apiKey?: string;
  readonly now: string;
}

export interface CreateOrganizationResult {
  readonly created: boolean;
  readonly organization: Organization;
  readonly apiKey: string;
}

/**
 * Creates an organization with its first API key; only the key's hash is stored, so the key is
 * shown this once. Given a key that already belongs to an organization, returns that one.
 */
export async function createOrganization(
  store: OrganizationStore,
  input: NewOrganization,
): Promise<CreateOrganizationResult> {
  const apiKey = input.apiKey ?? randomUUID();
  const id = randomUUID();
  const organization: Organization = {
    ...EMPTY_LEGAL_DETAILS,
    id,
    name: input.name,
    defaultCurrency: "USD",
    timezone: "UTC",
    invoiceGracePeriodDays: 0,
    documentNumberPrefix: defaultDocumentPrefix(input.name, id),
    documentNumbering: "per_customer",
    netPaymentTermDays: 0,
    hmacKey: randomBytes(32).toString("hex"),
    createdAt: input.now,
  };
  try {
    await store.create(organization, hashApiKey(apiKey));
    return { created: true, organization, apiKey };
  } catch (error) {
    if (!(error instanceof ApiKeyTakenError)) throw error;
    const existing = await store.findByApiKeyHash(hashApiKey(apiKey));
    if (!existing) throw error;
    return { created: false, organization: existing, apiKey };
  }
}
