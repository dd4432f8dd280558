import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Invoice } from "#shared/domain/invoice.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { cancellationCodes } from "#shared/store/errors.js";
import { joinKey, withoutStorageAttributes } from "#shared/store/keys.js";
import { queryAll } from "#shared/store/query.js";
import type { InvoiceStore, RepeatableInvoiceEvent, StoredInvoice } from "./invoice-store.js";

/** A payment taken by a payment provider: which one, and its ids there. */
export interface ProviderPaymentDetails {
  readonly provider: "stripe";
  /** The connection's code (`payment_provider_code`). */
  readonly code: string;
  readonly providerCustomerId: string;
  /** The provider's payment (a Stripe PaymentIntent's id). */
  readonly providerPaymentId: string;
}

/**
 * A payment of one invoice, in the invoice's currency: manual (`POST /payments`), or taken by the
 * customer's payment provider (`provider`; its reference is the provider's payment id).
 */
export interface ManualPayment {
  readonly id: string;
  readonly organizationId: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly reference: string;
  /** When it was paid (`paid_at`, else when it was recorded): Lago's `created_at`. */
  readonly createdAt: string;
  /** When it was recorded. */
  readonly recordedAt: string;
  readonly provider?: ProviderPaymentDetails;
}

export type RecordOutcome =
  | { readonly kind: "recorded"; readonly payment: ManualPayment; readonly invoice: StoredInvoice }
  /** A payment with its id exists already (a retried request): nothing was written. */
  | { readonly kind: "exists"; readonly payment: ManualPayment }
  /** The invoice moved since it was read (another payment, a void): nothing was written. */
  | { readonly kind: "invoice_moved" };

const paymentSk = (id: string) => joinKey("payment", id);
const listPk = (organizationId: string) => joinKey(organizationId, "payments");

/**
 * Manual payments in invoicing's table, one item each under the organization, listed newest
 * first by the `gsi1` index. A payment is written with its invoice's new paid total in one
 * transaction, conditional on the payment being new and the invoice being as read.
 */
export class PaymentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  async get(organizationId: string, id: string): Promise<ManualPayment | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: organizationId, sk: paymentSk(id) },
        ConsistentRead: true,
      }),
    );
    return Item ? withoutStorageAttributes<ManualPayment>(Item) : undefined;
  }

  /**
   * Records `payment` and makes the invoice `read` into `paid` in one transaction: the payment's
   * put is conditional on its id being new (a retry of the same payment never counts twice), the
   * invoice's update on its paid total, status and payment status being those read (two
   * concurrent payments never both count against the same due amount).
   */
  async record(
    invoices: Pick<InvoiceStore, "paymentChangeUpdate">,
    payment: ManualPayment,
    read: StoredInvoice,
    paid: Invoice,
    owes: readonly RepeatableInvoiceEvent[],
  ): Promise<RecordOutcome> {
    const change = invoices.paymentChangeUpdate(read, paid, owes);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...payment,
                  pk: payment.organizationId,
                  sk: paymentSk(payment.id),
                  kind: "payment",
                  gsi1pk: listPk(payment.organizationId),
                  gsi1sk: `${payment.recordedAt}#${payment.id}`,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            { Update: change.update },
          ],
        }),
      );
      return { kind: "recorded", payment, invoice: change.invoice };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === "ConditionalCheckFailed") {
        const existing = await this.get(payment.organizationId, payment.id);
        if (existing) return { kind: "exists", payment: existing };
      }
      return { kind: "invoice_moved" };
    }
  }

  /** The organization's payments, newest recorded first. */
  async list(organizationId: string): Promise<ManualPayment[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": listPk(organizationId) },
      ScanIndexForward: false,
    });
    return items.map((item) => withoutStorageAttributes<ManualPayment>(item));
  }
}
