import { randomUUID } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { AdvanceUsageState } from "#shared/domain/charges/advance-usage.js";
import { EMPTY_ADVANCE_USAGE } from "#shared/domain/charges/advance-usage.js";
import type {
  FeePayment,
  FeePaymentStatus,
  Invoice,
  InvoiceAppliedTax,
  InvoiceFee,
} from "#shared/domain/invoice.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { stableUuid } from "#shared/platform/ids.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { cancellationCodes, isConditionFailure } from "#shared/store/errors.js";
import { joinKey } from "#shared/store/keys.js";
import { queryAll } from "#shared/store/query.js";
import { feeKey, feeListPartition } from "../store/invoice-list-index.js";

/** Which period, charge and bucket a pay-in-advance usage state is kept for. */
export interface AdvanceUsageKey {
  readonly organizationId: string;
  readonly subscriptionId: string;
  readonly periodStartsAt: string;
  readonly chargeId: string;
  /** `AdvanceBucket.key`: the charge filter and pricing group. */
  readonly bucketKey: string;
}

export interface AdvanceUsageRead {
  readonly state: AdvanceUsageState;
  /** 0: never written. */
  readonly revision: number;
}

/**
 * One pay-in-advance fee as made at its event: the fee, with what serving it needs without an
 * invoice (a standalone fee: its charge is not invoiceable), or the invoice it is billed on, kept
 * unnumbered so that whoever finishes the work after a crash saves the same one.
 */
export interface AdvanceFeeRecord {
  readonly organizationId: string;
  readonly fee: InvoiceFee;
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  readonly currency: string;
  readonly timezone: string;
  /** The fee's taxes as they stood when it was made. */
  readonly appliedTaxes: readonly InvoiceAppliedTax[];
  readonly periodStartsAt: string;
  readonly periodEndsAt: string;
  readonly createdAt: string;
  /** Standalone fees only: Lago's `fees.payment_status` (pending until a payment says otherwise). */
  readonly paymentStatus: FeePaymentStatus;
  /** The invoice it is billed on (invoiceable charges), null for a standalone fee. */
  readonly invoiceId: string | null;
  readonly invoice: Invoice | null;
  /** The fee owes `fee.created` until it is published. */
  readonly feeCreatedOwed: boolean;
  /**
   * When `DELETE /fees/{id}` discarded it (Lago's soft delete): no longer served, listed or
   * regrouped, but kept so that its event is never billed again.
   */
  readonly deletedAt?: string;
}

export type BillOutcome =
  | { readonly kind: "billed"; readonly revision: number }
  /** The event's fee exists: it was billed by an earlier delivery. */
  | { readonly kind: "already_billed" }
  /** Another event of the bucket was billed since the state was read: read it again. */
  | { readonly kind: "state_moved" };

const usageSk = (key: AdvanceUsageKey) =>
  joinKey(
    "advance-usage",
    key.subscriptionId,
    key.periodStartsAt,
    key.chargeId,
    stableUuid("advance-bucket", key.bucketKey),
  );
export const advanceFeeSk = (feeId: string) => joinKey("advance-fee", feeId);
const feeSk = advanceFeeSk;
const ADVANCE_FEE_PREFIX = "advance-fee#";

/** Whether an item of the fee list index is a standalone pay-in-advance fee (not an invoice). */
export const isAdvanceFeeItem = (sk: unknown): boolean =>
  typeof sk === "string" && sk.startsWith(ADVANCE_FEE_PREFIX);

/**
 * Pay-in-advance charges' items in invoicing's table: per (subscription, period, charge, bucket)
 * the usage billed so far, and per event its fee. A fee is written with its bucket's next state in
 * one transaction, conditional on the fee not existing and the state being the one read: an event
 * is billed once, and each event's "before" is exactly the usage of the events billed before it.
 */
export class AdvanceFeeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  async usage(key: AdvanceUsageKey): Promise<AdvanceUsageRead> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: key.organizationId, sk: usageSk(key) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return { state: EMPTY_ADVANCE_USAGE, revision: 0 };
    return { state: Item.state as AdvanceUsageState, revision: Number(Item.revision) };
  }

  async record(organizationId: string, feeId: string): Promise<AdvanceFeeRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: organizationId, sk: feeSk(feeId) },
        ConsistentRead: true,
      }),
    );
    return Item ? recordOf(Item) : undefined;
  }

  /** The fee and its bucket's next usage, in one transaction (see the class). */
  async bill(
    key: AdvanceUsageKey,
    read: AdvanceUsageRead,
    next: AdvanceUsageState,
    record: AdvanceFeeRecord,
  ): Promise<BillOutcome> {
    const revision = read.revision + 1;
    const standalone = record.invoiceId === null;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...record,
                  pk: record.organizationId,
                  sk: feeSk(record.fee.id),
                  kind: "advance_fee",
                  // A standalone fee is listed by GET /fees beside the invoices' fees.
                  ...(standalone
                    ? {
                        feeListPk: feeListPartition(record.organizationId),
                        feeListSk: `${record.createdAt}#${record.fee.id}`,
                        feeKeys: [feeKey(record.fee)],
                      }
                    : {}),
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: key.organizationId,
                  sk: usageSk(key),
                  kind: "advance_usage",
                  state: next,
                  revision,
                },
                ConditionExpression:
                  read.revision === 0 ? "attribute_not_exists(pk)" : "revision = :revision",
                ...(read.revision === 0 ? {} : { ExpressionAttributeValues: { ":revision": read.revision } }),
              },
            },
          ],
          ClientRequestToken: randomUUID(),
        }),
      );
      return { kind: "billed", revision };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === "ConditionalCheckFailed") return { kind: "already_billed" };
      if (codes[1] === "ConditionalCheckFailed" || codes.includes("TransactionConflict"))
        return { kind: "state_moved" };
      throw error;
    }
  }

  /**
   * A standalone fee's payment (`PUT /fees/{id}`), only while it is on no invoice: the updated
   * record, or undefined if there is no such fee or it is on an invoice (nothing written then).
   */
  async recordPayment(
    organizationId: string,
    feeId: string,
    payment: FeePayment,
  ): Promise<AdvanceFeeRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: organizationId, sk: feeSk(feeId) },
          UpdateExpression: "SET #fee.#payment = :payment, paymentStatus = :status",
          ConditionExpression:
            "attribute_exists(pk) AND attribute_type(invoiceId, :null) AND attribute_not_exists(deletedAt)",
          ExpressionAttributeNames: { "#fee": "fee", "#payment": "payment" },
          ExpressionAttributeValues: { ":payment": payment, ":status": payment.status, ":null": "NULL" },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? recordOf(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Discards a standalone fee at `now` (`DELETE /fees/{id}`), only while it is on no invoice and
   * not discarded: it leaves the fee list index. False if it is on an invoice or gone already.
   */
  discard(organizationId: string, feeId: string, now: string): Promise<boolean> {
    return this.updateIf(organizationId, feeId, {
      UpdateExpression: "SET deletedAt = :now REMOVE feeListPk, feeListSk, feeKeys",
      ConditionExpression:
        "attribute_exists(pk) AND attribute_type(invoiceId, :null) AND attribute_not_exists(deletedAt)",
      ExpressionAttributeValues: { ":now": now, ":null": "NULL" },
    });
  }

  /** A conditional update of one fee record: false when its condition failed (nothing written). */
  private async updateIf(
    organizationId: string,
    feeId: string,
    update: {
      readonly UpdateExpression: string;
      readonly ConditionExpression: string;
      readonly ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: organizationId, sk: feeSk(feeId) },
          ...update,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The subscription's standalone fees paid (`succeeded`) and on no invoice: those an
   * `advance_charges` invoice may regroup. One query of the organization's fee records, filtered.
   */
  async paidStandaloneFees(organizationId: string, subscriptionId: string): Promise<AdvanceFeeRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      FilterExpression:
        "subscriptionId = :subscription AND paymentStatus = :succeeded AND attribute_type(invoiceId, :null) AND attribute_not_exists(deletedAt)",
      ExpressionAttributeValues: {
        ":pk": organizationId,
        ":prefix": ADVANCE_FEE_PREFIX,
        ":subscription": subscriptionId,
        ":succeeded": "succeeded",
        ":null": "NULL",
      },
      ConsistentRead: true,
    });
    return items.map(recordOf);
  }

  /**
   * A standalone fee now on `invoiceId` (regrouped): it leaves the fee list index, where the
   * invoice lists it, and takes no payment of its own any more. Conditional on it being on no
   * invoice or on this one already (a run repeated after a crash): false if it is on another.
   */
  attachToInvoice(organizationId: string, feeId: string, invoiceId: string): Promise<boolean> {
    return this.updateIf(organizationId, feeId, {
      UpdateExpression: "SET invoiceId = :invoice REMOVE feeListPk, feeListSk, feeKeys",
      ConditionExpression:
        "attribute_exists(pk) AND (attribute_type(invoiceId, :null) OR invoiceId = :invoice)",
      ExpressionAttributeValues: { ":invoice": invoiceId, ":null": "NULL" },
    });
  }

  /**
   * A standalone fee made at a period's close (a recurring metric's carried usage), once: false if
   * it exists already (a run repeated), nothing written then.
   */
  async createOnce(record: AdvanceFeeRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...record,
            pk: record.organizationId,
            sk: feeSk(record.fee.id),
            kind: "advance_fee",
            feeListPk: feeListPartition(record.organizationId),
            feeListSk: `${record.createdAt}#${record.fee.id}`,
            feeKeys: [feeKey(record.fee)],
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** `fee.created` published: the fee owes nothing more. */
  async markFeeCreatedPublished(organizationId: string, feeId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: organizationId, sk: feeSk(feeId) },
        UpdateExpression: "SET feeCreatedOwed = :false",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":false": false },
      }),
    );
  }

  /** The standalone fees of these fee list entries (their table keys), by fee id. */
  async standaloneFees(
    organizationId: string,
    sortKeys: readonly string[],
  ): Promise<Map<string, AdvanceFeeRecord>> {
    const records = await Promise.all(
      sortKeys.map(async (sk) => {
        const { Item } = await this.client.send(
          new GetCommand({ TableName: this.table, Key: { pk: organizationId, sk } }),
        );
        return Item ? recordOf(Item) : undefined;
      }),
    );
    return new Map(records.flatMap((record) => (record ? [[record.fee.id, record] as const] : [])));
  }
}

/** A stored fee record as the store gives it back: its table keys and list attributes dropped. */
export function recordOf(item: Record<string, unknown>): AdvanceFeeRecord {
  const { pk: _pk, sk: _sk, kind: _kind, feeListPk: _lp, feeListSk: _ls, feeKeys: _fk, ...record } = item;
  // Written whole by `bill` from an AdvanceFeeRecord: what it reads back is one.
  return record as unknown as AdvanceFeeRecord;
}
