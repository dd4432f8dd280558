import { generateKeyPairSync } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "#shared/platform/aws-clients.js";
import { resourceName, webhooksTable } from "#shared/platform/resources.js";
import { isConditionFailure } from "#shared/store/errors.js";

export interface SigningKeyPair {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

/**
 * The deployment's RSA key pair for `jwt` webhook signatures (Lago's instance key): made on first
 * use and stored once; a concurrent first use keeps whichever pair was stored first. It belongs to
 * the deployment, not to an organization, hence a key outside every organization's partition.
 */
export class SigningKeyStore {
  private cached: SigningKeyPair | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(webhooksTable),
  ) {}

  private static readonly KEY = { pk: "deployment", sk: "webhook_signing_key" };

  async keyPair(): Promise<SigningKeyPair> {
    if (this.cached) return this.cached;
    const stored = await this.read();
    if (stored) {
      this.cached = stored;
      return stored;
    }
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...SigningKeyStore.KEY,
            kind: "signing_key",
            publicKeyPem: publicKey,
            privateKeyPem: privateKey,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      this.cached = { publicKeyPem: publicKey, privateKeyPem: privateKey };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      this.cached = await this.read();
    }
    if (!this.cached) throw new Error("the webhook signing key could not be stored");
    return this.cached;
  }

  private async read(): Promise<SigningKeyPair | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: SigningKeyStore.KEY, ConsistentRead: true }),
    );
    return Item
      ? { publicKeyPem: String(Item.publicKeyPem), privateKeyPem: String(Item.privateKeyPem) }
      : undefined;
  }
}
