/**
 * The ends of collections of invoices' payments by a payment provider, in invoicing's table: each
 * is one conditional write of the invoice (on the collection's lease, or on the provider's payment
 * it waits for), with the events it owes in the same write, so a collection's outcome is recorded
 * once whoever reports it (the collection itself, the provider's webhook, a redelivery of it).
 */
import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Invoice } from "#shared/domain/invoice.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { isConditionFailure } from "#shared/store/errors.js";
import { invoiceItemKey } from "#shared/store/invoice-keys.js";
import type {
  InvoiceStore,
  PaymentFailureRecord,
  RepeatableInvoiceEvent,
  StoredInvoice,
} from "./invoice-store.js";

/**
 * A collection whose provider answers later (a bank debit takes days) holds its claim until the
 * provider's webhook, as Lago keeps an invoice out of payment processing while its payment is
 * processing: whatever clock a later retry reads, its claim finds it held.
 */
export const HELD_UNTIL_ANSWERED = Number.MAX_SAFE_INTEGER;

/** Which collection a write ends: the one holding `leaseUntil`, or the one waiting for `paymentId`. */
export type CollectionHolder =
  | { readonly lease: number }
  | { readonly paymentId: string }
  /** Whichever: the provider took the payment (its success is the truth, whoever collected). */
  | { readonly any: true };

export type PaymentChangeMaker = Pick<InvoiceStore, "paymentChangeUpdate">;

type Update = ReturnType<InvoiceStore["paymentChangeUpdate"]>["update"];

/** `update` also ending the collection `holder` holds, and its owed collection with it. */
function endingCollection(
  update: Update,
  holder: CollectionHolder,
  set: Record<string, unknown> = {},
): Update {
  const assignments = Object.keys(set).map((name) => `${name} = :c_${name}`);
  const condition =
    "lease" in holder
      ? "collectionLeaseUntil = :c_mine"
      : "paymentId" in holder
        ? "collectionPaymentId = :c_payment"
        : undefined;
  return {
    ...update,
    UpdateExpression: `${update.UpdateExpression.replace(/^SET /, `SET ${assignments.map((a) => `${a}, `).join("")}`)} REMOVE collectionLeaseUntil, collectionPaymentId, paymentCollectionOwed`,
    ConditionExpression: condition
      ? `(${update.ConditionExpression}) AND ${condition}`
      : update.ConditionExpression,
    ExpressionAttributeValues: {
      ...update.ExpressionAttributeValues,
      ...Object.fromEntries(Object.entries(set).map(([name, value]) => [`:c_${name}`, value])),
      ...("lease" in holder ? { ":c_mine": holder.lease } : {}),
      ...("paymentId" in holder ? { ":c_payment": holder.paymentId } : {}),
    },
  };
}

/** The invoice store's payment changes, each also ending the collection `holder` holds. */
export function endingCollectionChanges(
  invoices: PaymentChangeMaker,
  holder: CollectionHolder,
): PaymentChangeMaker {
  return {
    paymentChangeUpdate(read, next, owes) {
      const change = invoices.paymentChangeUpdate(read, next, owes);
      return { ...change, update: endingCollection(change.update, holder) };
    },
  };
}

export class CollectionStore {
  constructor(
    private readonly invoices: PaymentChangeMaker,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  private async send(update: Record<string, unknown> & { UpdateExpression: string }): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.table, ...update } as never));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The finalization's collection is not to be made (nothing due, no provider): it is owed no more. */
  releaseOwed(organizationId: string, id: string): Promise<boolean> {
    return this.send({
      Key: invoiceItemKey(organizationId, id),
      UpdateExpression: "REMOVE paymentCollectionOwed",
      ConditionExpression: "attribute_exists(paymentCollectionOwed)",
    });
  }

  /** The collection holding `lease` ends with nothing done (as Lago, nothing is told). */
  endQuietly(organizationId: string, id: string, lease: number): Promise<boolean> {
    return this.send({
      Key: invoiceItemKey(organizationId, id),
      UpdateExpression: "REMOVE collectionLeaseUntil, paymentCollectionOwed",
      ConditionExpression: "collectionLeaseUntil = :mine",
      ExpressionAttributeValues: { ":mine": lease },
    });
  }

  /**
   * The provider took the collection holding `lease` and answers later: its claim is held until
   * its webhook (`HELD_UNTIL_ANSWERED`), waiting for `paymentId`, so another retry starts none.
   */
  hold(organizationId: string, id: string, lease: number, paymentId: string): Promise<boolean> {
    return this.send({
      Key: invoiceItemKey(organizationId, id),
      UpdateExpression:
        "SET collectionLeaseUntil = :held, collectionPaymentId = :payment REMOVE paymentCollectionOwed",
      ConditionExpression: "collectionLeaseUntil = :mine",
      ExpressionAttributeValues: {
        ":mine": lease,
        ":held": HELD_UNTIL_ANSWERED,
        ":payment": paymentId,
      },
    });
  }

  /**
   * The collection `holder` holds failed at the provider: the invoice's payment status is `failed`,
   * the failure kept, and `invoice.payment_failure` owed under its next number, in one write
   * conditional on the invoice as read. False when it moved (read it again) or the collection is
   * no longer the one held.
   */
  fail(
    read: StoredInvoice,
    failed: Invoice,
    failure: PaymentFailureRecord,
    holder: CollectionHolder,
  ): Promise<boolean> {
    const owes: RepeatableInvoiceEvent[] = ["invoice.payment_failure"];
    const change = this.invoices.paymentChangeUpdate(read, failed, owes);
    return this.send(endingCollection(change.update, holder, { lastPaymentFailure: failure }));
  }
}
