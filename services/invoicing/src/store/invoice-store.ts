import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Invoice } from "#shared/domain/invoice.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { cancellationCodes, isConditionFailure } from "#shared/store/errors.js";
import { invoiceItemKey, periodInvoiceId } from "#shared/store/invoice-keys.js";
import { joinKey, withoutStorageAttributes } from "#shared/store/keys.js";
import { queryAll } from "#shared/store/query.js";

export interface StoredInvoice extends Invoice {
  /** Set once `invoice.created` (or `invoice.drafted`) has been published. */
  readonly domainEventPublished?: boolean;
  /** Epoch ms until which one run holds the right to publish it. */
  readonly publicationLeaseUntil?: number;
  /** A draft whose usage changed since it was made (a late event): to be refreshed. */
  readonly readyToBeRefreshed?: boolean;
}

/** How a finalized invoice gets its number: which counter, and how to print the value. */
export interface NumberingPlan {
  readonly counter: string;
  readonly format: (sequence: number) => string;
}

export type SaveOutcome =
  | { readonly created: true; readonly invoice: StoredInvoice }
  | { readonly created: false; readonly invoice: StoredInvoice };

const invoiceSk = (id: string) => invoiceItemKey("", id).sk;
const listPk = (organizationId: string) => joinKey(organizationId, "invoices");

/**
 * Invoices in invoicing's table. An invoice's id is derived from its subscription and period, so
 * `attribute_not_exists` on its key is the one-invoice-per-(subscription, period) guarantee.
 */
export class InvoiceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  private item(invoice: Invoice) {
    return {
      ...invoice,
      pk: invoice.organizationId,
      sk: invoiceSk(invoice.id),
      kind: "invoice",
      gsi1pk: listPk(invoice.organizationId),
      gsi1sk: `${invoice.issuingDate}#${invoice.createdAt}#${invoice.id}`,
    };
  }

  async get(organizationId: string, id: string): Promise<StoredInvoice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: organizationId, sk: invoiceSk(id) } }),
    );
    return Item ? withoutStorageAttributes<StoredInvoice>(Item) : undefined;
  }

  /**
   * Saves a new invoice once. A finalized invoice takes the next number of its sequence in the same
   * transaction, on the condition that the counter still holds the value read: numbers are gapless
   * and never shared. A draft takes no number. If the invoice already exists, nothing is written.
   */
  async saveOnce(invoice: Invoice, numbering: NumberingPlan | null, maxAttempts = 10): Promise<SaveOutcome> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const existing = await this.get(invoice.organizationId, invoice.id);
      if (existing) return { created: false, invoice: existing };
      const counterKey = numbering
        ? { pk: invoice.organizationId, sk: joinKey("counter", numbering.counter) }
        : null;
      const current = counterKey ? await this.readCounter(counterKey) : 0;
      const toSave: Invoice = numbering
        ? { ...invoice, sequentialId: current + 1, number: numbering.format(current + 1) }
        : invoice;
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: this.item(toSave),
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              ...(counterKey
                ? [
                    {
                      Update: {
                        TableName: this.table,
                        Key: counterKey,
                        UpdateExpression: "SET #value = :next, kind = :kind",
                        ConditionExpression:
                          current === 0 ? "attribute_not_exists(#value)" : "#value = :current",
                        ExpressionAttributeNames: { "#value": "value" },
                        ExpressionAttributeValues: {
                          ":next": current + 1,
                          ":kind": "counter",
                          ...(current === 0 ? {} : { ":current": current }),
                        },
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
        return { created: true, invoice: toSave };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // [0] failed: the invoice exists now (a concurrent run): the next loop returns it.
        // [1] failed: another invoice took this number first: read the counter again.
      }
    }
    throw new Error(`could not number invoice ${invoice.id} after ${maxAttempts} attempts`);
  }

  /**
   * Claims the publication of an invoice's domain event for `leaseMs`: only one of several
   * concurrent runs publishes, and if that run dies before marking it published, another may claim
   * it once the lease has run out. False when it is published or claimed by someone else.
   */
  async claimDomainEventPublication(
    organizationId: string,
    id: string,
    nowMs: number,
    leaseMs = 60_000,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: organizationId, sk: invoiceSk(id) },
          UpdateExpression: "SET publicationLeaseUntil = :until",
          ConditionExpression:
            "attribute_exists(pk) AND attribute_not_exists(domainEventPublished) AND (attribute_not_exists(publicationLeaseUntil) OR publicationLeaseUntil < :now)",
          ExpressionAttributeValues: { ":until": nowMs + leaseMs, ":now": nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The last number a sequence gave (0 before the first). */
  protected async readCounter(key: { pk: string; sk: string }): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return Number(Item?.value ?? 0);
  }

  async markDomainEventPublished(organizationId: string, id: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: organizationId, sk: invoiceSk(id) },
        UpdateExpression: "SET domainEventPublished = :yes",
        ExpressionAttributeValues: { ":yes": true },
      }),
    );
  }

  /** The organization's invoices, newest issuing date first. */
  async list(organizationId: string): Promise<StoredInvoice[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": listPk(organizationId) },
      ScanIndexForward: false,
    });
    return items.map((item) => withoutStorageAttributes<StoredInvoice>(item));
  }

  /**
   * Marks a period's invoice for refresh if, and only if, it exists and is still a draft: usage
   * arrived late for it. A finalized invoice, or none, is left alone (one conditional write, no read).
   */
  async flagDraftForRefresh(
    organizationId: string,
    subscriptionId: string,
    periodStartsAt: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: invoiceItemKey(
            organizationId,
            periodInvoiceId(organizationId, subscriptionId, periodStartsAt),
          ),
          UpdateExpression: "SET readyToBeRefreshed = :yes",
          ConditionExpression: "#status = :draft",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":yes": true, ":draft": "draft" },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
