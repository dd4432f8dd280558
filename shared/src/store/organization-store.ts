import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Organization } from "../domain/catalog.js";
import { documentClient } from "../platform/aws-clients.js";
import { billingTable, resourceName } from "../platform/resources.js";
import {
  type CatalogWrite,
  ConcurrentChangeError,
  ItemTooLargeError,
  itemBytes,
  MAX_ITEM_BYTES,
} from "./catalog-store.js";
import { cancellationCodes } from "./errors.js";
import { withoutStorageAttributes } from "./keys.js";

const ORGANIZATION_SK = "organization";
const API_KEY_SK = "api_key";

/** The one key that cannot start with an organization id: it is how the organization is found. */
const apiKeyPk = (apiKeyHash: string) => `api_key#${apiKeyHash}`;

export class ApiKeyTakenError extends Error {
  constructor() {
    super("this API key already belongs to an organization");
    this.name = "ApiKeyTakenError";
  }
}

export class OrganizationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(billingTable),
  ) {}

  private organizationItem(organization: Organization): Record<string, unknown> {
    const item = { pk: organization.id, sk: ORGANIZATION_SK, kind: "organization", ...organization };
    if (itemBytes(item) > MAX_ITEM_BYTES) throw new ItemTooLargeError("organization");
    return item;
  }

  /** Creates the organization and its first API key together, or neither. */
  async create(organization: Organization, apiKeyHash: string): Promise<void> {
    const item = this.organizationItem(organization);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: item,
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: apiKeyPk(apiKeyHash),
                  sk: API_KEY_SK,
                  kind: "api_key",
                  organizationId: organization.id,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[1] === "ConditionalCheckFailed") throw new ApiKeyTakenError();
      throw error;
    }
  }

  async get(organizationId: string): Promise<Organization | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: organizationId, sk: ORGANIZATION_SK } }),
    );
    return Item ? withoutStorageAttributes<Organization>(Item) : undefined;
  }

  /** The organization replaced, as one write of a catalog change (CatalogStore.write). */
  replacement(organization: Organization): CatalogWrite {
    return {
      action: {
        Put: {
          TableName: this.table,
          Item: this.organizationItem(organization),
          ConditionExpression: "attribute_exists(pk)",
        },
      },
      onConditionFailure: () => new ConcurrentChangeError("organization"),
    };
  }

  async findByApiKeyHash(apiKeyHash: string): Promise<Organization | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: apiKeyPk(apiKeyHash), sk: API_KEY_SK } }),
    );
    const organizationId = Item?.organizationId;
    return typeof organizationId === "string" ? this.get(organizationId) : undefined;
  }
}

/**
 * Resolves API keys through a per-container cache, so the hot ingest path reads no table once warm.
 * A revoked key keeps working for at most `ttlMs`; unknown keys are not cached, so a key created a
 * moment ago is never refused for long.
 */
export function cachedApiKeyResolver(
  lookup: (apiKeyHash: string) => Promise<Organization | undefined>,
  ttlMs = 60_000,
  now: () => number = Date.now,
): (apiKeyHash: string) => Promise<Organization | undefined> {
  const cache = new Map<string, { organization: Organization; expiresAt: number }>();
  return async (apiKeyHash) => {
    const hit = cache.get(apiKeyHash);
    if (hit && hit.expiresAt > now()) return hit.organization;
    const organization = await lookup(apiKeyHash);
    if (organization) cache.set(apiKeyHash, { organization, expiresAt: now() + ttlMs });
    else cache.delete(apiKeyHash);
    return organization;
  };
}

/** The resolver API handlers use: the organization store behind a per-container cache. */
export function apiKeyResolver(): (apiKeyHash: string) => Promise<Organization | undefined> {
  let store: OrganizationStore | undefined;
  return cachedApiKeyResolver((hash) => {
    store ??= new OrganizationStore();
    return store.findByApiKeyHash(hash);
  });
}
