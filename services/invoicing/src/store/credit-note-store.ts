import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { CreditBalance } from "#shared/domain/credit-notes/consume-credit-balances.js";
import type { CreditNote, RefundStatus } from "#shared/domain/credit-notes/credit-note.js";
import type { InvoiceCreditNotesRecord } from "#shared/domain/invoice.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { stableUuid } from "#shared/platform/ids.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { cancellationCodes, isConditionFailure } from "#shared/store/errors.js";
import { creditBalanceKey, creditNoteItemKey } from "#shared/store/invoice-keys.js";
import { joinKey, withoutStorageAttributes } from "#shared/store/keys.js";
import { queryAll } from "#shared/store/query.js";
import type { RefundFailureRecord } from "../payments/payment-provider.js";
import { readCreditBalances } from "./credit-balance-writes.js";
import { type CreditNoteEvent, invoiceSk, type StoredInvoice, waitingShard } from "./invoice-store.js";

/** A credit note as stored: its data and what the store keeps beside it. */
export interface StoredCreditNote extends CreditNote {
  /** The documents bucket's key of its PDF, once rendered and stored. */
  readonly fileKey?: string;
  /** Steps at each change: every change is conditional on the version read. */
  readonly version?: number;
  /**
   * Its refund is owed to the payment provider (made on an invoice whose payment succeeded):
   * written with the note, removed with the refund's outcome (`credit-notes/refund-credit-note.ts`).
   */
  readonly refundOwed?: boolean;
  /** Why the provider refused or failed its refund, as its `credit_note.refund_failure` shows it. */
  readonly refundFailure?: RefundFailureRecord;
}

/** What a refund's end writes on its note: its outcome, or the status left as it stands. */
export type RefundEnd =
  | { readonly kind: "succeeded" }
  | { readonly kind: "failed"; readonly failure: RefundFailureRecord }
  | { readonly kind: "kept" };

/** The id of an invoice's `sequentialId`-th credit note: one per place, whoever makes it. */
export const creditNoteId = (organizationId: string, invoiceId: string, sequentialId: number): string =>
  stableUuid("credit-note", organizationId, invoiceId, String(sequentialId));

const creditNoteSk = (id: string) => creditNoteItemKey("", id).sk;
/**
 * A credit note with a balance is also kept under its customer, oldest first, so a finalization
 * reads the customer's balances with one query; the copy of the balance changes in the same
 * transaction as the note's.
 */
const balanceSk = (note: Pick<CreditNote, "customerId" | "createdAt" | "id">) =>
  creditBalanceKey("", { customerId: note.customerId, issuedAt: note.createdAt, creditNoteId: note.id }).sk;

/** What became of a credit note written conditionally on the invoice (or the note) as read. */
export type CreditNoteWrite =
  | { readonly written: true }
  /** The invoice or the note changed since it was read: read again. */
  | { readonly written: false };

/**
 * Credit notes in invoicing's table, beside their invoices. A note is made in one transaction with
 * its invoice's credit note sums (conditional on the invoice as read), so two concurrent notes of
 * one invoice can never take its creditable amount twice, and a crash leaves the whole note or none.
 */
export class CreditNoteStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  private key(organizationId: string, id: string) {
    return { pk: organizationId, sk: creditNoteSk(id) };
  }

  async get(organizationId: string, id: string): Promise<StoredCreditNote | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: this.key(organizationId, id), ConsistentRead: true }),
    );
    return Item ? withoutStorageAttributes<StoredCreditNote>(Item) : undefined;
  }

  /** Every credit note of the organization. */
  async list(organizationId: string): Promise<StoredCreditNote[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": organizationId, ":prefix": `${joinKey("credit_note")}#` },
    });
    return items.map((item) => withoutStorageAttributes<StoredCreditNote>(item));
  }

  /** The customer's credit notes with a balance left, oldest first. */
  balancesOf(organizationId: string, customerId: string): Promise<CreditBalance[]> {
    return readCreditBalances(this.client, this.table, organizationId, customerId);
  }

  /** The conditions that the invoice is as read, for everything a credit note's limits read of it. */
  private static invoiceAsRead(read: StoredInvoice) {
    const count = read.creditNotes?.count;
    const conditions = [
      "#status = :status",
      "paymentStatus = :paymentStatus",
      count === undefined ? "attribute_not_exists(creditNotes)" : "creditNotes.#count = :count",
      read.totalPaidAmountCents === undefined
        ? "attribute_not_exists(totalPaidAmountCents)"
        : "totalPaidAmountCents = :paid",
      read.eventSequence === undefined ? "attribute_not_exists(eventSequence)" : "eventSequence = :sequence",
    ];
    return {
      condition: conditions.join(" AND "),
      names: { "#status": "status", ...(count === undefined ? {} : { "#count": "count" }) },
      values: {
        ":status": read.status,
        ":paymentStatus": read.paymentStatus,
        ...(count === undefined ? {} : { ":count": count }),
        ...(read.totalPaidAmountCents === undefined ? {} : { ":paid": read.totalPaidAmountCents }),
        ...(read.eventSequence === undefined ? {} : { ":sequence": read.eventSequence }),
      },
    };
  }

  /**
   * Makes `note` on the invoice `read`, in one transaction: the note (once), the invoice's credit
   * note sums as `record`, conditional on the invoice being as read (its status, payment and
   * credit notes), the note's balance under its customer when it credits, and `credit_note.created`
   * owed by the invoice, which waits in the drafts index until it is published. Its event sequence
   * steps too, so a payment change read before the note (conditional on it) is read again.
   */
  async create(
    read: StoredInvoice,
    note: CreditNote,
    record: InvoiceCreditNotesRecord,
    options: { readonly refundOwed?: boolean } = {},
  ): Promise<CreditNoteWrite> {
    const asRead = CreditNoteStore.invoiceAsRead(read);
    const event: `${CreditNoteEvent}#${number}` = `credit_note.created#${note.sequentialId}`;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...note,
                  pk: note.organizationId,
                  sk: creditNoteSk(note.id),
                  kind: "credit_note",
                  version: 1,
                  ...(options.refundOwed ? { refundOwed: true } : {}),
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: { pk: read.organizationId, sk: invoiceSk(read.id) },
                UpdateExpression:
                  "SET creditNotes = :record, eventSequence = :nextSequence, duePk = :shard, dueAt = :at ADD pendingEvents :event",
                ConditionExpression: asRead.condition,
                ExpressionAttributeNames: asRead.names,
                ExpressionAttributeValues: {
                  ...asRead.values,
                  ":record": record,
                  ":nextSequence": (read.eventSequence ?? 0) + 1,
                  ":shard": waitingShard("owing", read.id),
                  ":at": note.createdAt,
                  ":event": new Set([event]),
                },
              },
            },
            ...(note.balanceAmountCents > 0
              ? [
                  {
                    Put: {
                      TableName: this.table,
                      Item: {
                        pk: note.organizationId,
                        sk: balanceSk(note),
                        kind: "credit_balance",
                        creditNoteId: note.id,
                        invoiceId: note.invoiceId,
                        currency: note.currency,
                        balanceAmountCents: note.balanceAmountCents,
                        issuedAt: note.createdAt,
                        number: note.number,
                        invoiceNumber: note.invoiceNumber,
                      },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return { written: true };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.includes("ConditionalCheckFailed")) return { written: false };
      throw error;
    }
  }

  /**
   * Voids the note `read` as `voided` (its balance gone), conditional on its version being the one
   * read (a finalization using the balance meanwhile is seen on a fresh read),
   * and removes its balance from its customer's, in one transaction.
   */
  async void(read: StoredCreditNote, voided: CreditNote): Promise<CreditNoteWrite> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: this.key(read.organizationId, read.id),
                UpdateExpression:
                  "SET creditStatus = :voided, balanceAmountCents = :zero, voidedAt = :at, updatedAt = :at, version = :next",
                ConditionExpression: "version = :version",
                ExpressionAttributeValues: {
                  ":voided": "voided",
                  ":zero": 0,
                  ":at": voided.voidedAt,
                  ":version": read.version ?? 1,
                  ":next": (read.version ?? 1) + 1,
                },
              },
            },
            { Delete: { TableName: this.table, Key: { pk: read.organizationId, sk: balanceSk(read) } } },
          ],
        }),
      );
      return { written: true };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.includes("ConditionalCheckFailed")) return { written: false };
      throw error;
    }
  }

  /**
   * Sets the note's refund status and metadata (`PUT /credit_notes/{id}`), conditional on the
   * version read, so concurrent updates are each made on a fresh read.
   */
  async update(
    read: StoredCreditNote,
    next: {
      refundStatus: RefundStatus | null;
      refundedAt: string | null;
      metadata: CreditNote["metadata"];
      updatedAt: string;
    },
  ): Promise<CreditNoteWrite> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(read.organizationId, read.id),
          UpdateExpression:
            "SET refundStatus = :refundStatus, refundedAt = :refundedAt, metadata = :metadata, updatedAt = :updatedAt, version = :next",
          ConditionExpression: "version = :version",
          ExpressionAttributeValues: {
            ":refundStatus": next.refundStatus,
            ":refundedAt": next.refundedAt,
            ":metadata": next.metadata,
            ":updatedAt": next.updatedAt,
            ":version": read.version ?? 1,
            ":next": (read.version ?? 1) + 1,
          },
        }),
      );
      return { written: true };
    } catch (error) {
      if (isConditionFailure(error)) return { written: false };
      throw error;
    }
  }
  /** The invoice's update owing `event` of one of its notes: it waits in the drafts index until published. */
  private owing(note: StoredCreditNote, event: `${CreditNoteEvent}#${number}`, at: string) {
    return {
      TableName: this.table,
      Key: { pk: note.organizationId, sk: invoiceSk(note.invoiceId) },
      UpdateExpression: "SET duePk = :shard, dueAt = :at ADD pendingEvents :event",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: {
        ":shard": waitingShard("owing", note.invoiceId),
        ":at": at,
        ":event": new Set([event]),
      },
    };
  }

  /**
   * Records the note's stored PDF under `fileKey`, and `credit_note.generated` owed by its invoice,
   * in one transaction conditional on the note having no file yet: only the first render recorded
   * owes the event (false for a second one, or a note gone).
   */
  async recordFile(note: StoredCreditNote, fileKey: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: this.key(note.organizationId, note.id),
                UpdateExpression: "SET fileKey = :key",
                ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(fileKey)",
                ExpressionAttributeValues: { ":key": fileKey },
              },
            },
            { Update: this.owing(note, `credit_note.generated#${note.sequentialId}`, at) },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.includes("ConditionalCheckFailed")) return false;
      throw error;
    }
  }

  /**
   * Ends the refund the note owes with the provider's answer at `at`, removing its mark: succeeded
   * (refunded at `at`), failed (the failure kept, and `credit_note.refund_failure` owed by its
   * invoice in the same transaction), or kept as it stands (taken, to be answered by the provider's
   * webhook; nothing to refund through). Only a note still pending is changed: a webhook or
   * `PUT /credit_notes/{id}` that moved it meanwhile is later than the answer, so then only the
   * mark goes. A refund already ended (a repeat after a crash) changes nothing.
   */
  async endRefund(note: StoredCreditNote, end: RefundEnd, at: string): Promise<void> {
    if (end.kind !== "kept") {
      const update = {
        TableName: this.table,
        Key: this.key(note.organizationId, note.id),
        UpdateExpression: `SET refundStatus = :status, updatedAt = :at, ${end.kind === "succeeded" ? "refundedAt = :at" : "refundFailure = :failure"} REMOVE refundOwed ADD version :one`,
        ConditionExpression: "attribute_exists(refundOwed) AND refundStatus = :pending",
        ExpressionAttributeValues: {
          ":status": end.kind,
          ":at": at,
          ":one": 1,
          ":pending": "pending",
          ...(end.kind === "failed" ? { ":failure": end.failure } : {}),
        },
      };
      try {
        if (end.kind === "succeeded") await this.client.send(new UpdateCommand(update));
        else
          await this.client.send(
            new TransactWriteCommand({
              TransactItems: [
                { Update: update },
                { Update: this.owing(note, `credit_note.refund_failure#${note.sequentialId}`, at) },
              ],
            }),
          );
        return;
      } catch (error) {
        if (!isConditionFailure(error) && !cancellationCodes(error)?.includes("ConditionalCheckFailed"))
          throw error;
      }
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(note.organizationId, note.id),
          UpdateExpression: "REMOVE refundOwed",
          ConditionExpression: "attribute_exists(refundOwed)",
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Sets the refund status the provider reports later (its refund webhook) on the note `read`,
   * conditional on its version: `succeeded` refunded at `at`; `failed` with its failure kept and
   * `credit_note.refund_failure` owed by its invoice in the same transaction.
   */
  async setRefundStatus(
    read: StoredCreditNote,
    status: RefundStatus,
    failure: RefundFailureRecord | null,
    at: string,
  ): Promise<CreditNoteWrite> {
    const update = {
      TableName: this.table,
      Key: this.key(read.organizationId, read.id),
      UpdateExpression: `SET refundStatus = :status, updatedAt = :at, version = :next${status === "succeeded" ? ", refundedAt = :at" : ""}${failure ? ", refundFailure = :failure" : ""}`,
      ConditionExpression: "version = :version",
      ExpressionAttributeValues: {
        ":status": status,
        ":at": at,
        ":version": read.version ?? 1,
        ":next": (read.version ?? 1) + 1,
        ...(failure ? { ":failure": failure } : {}),
      },
    };
    try {
      if (status !== "failed") await this.client.send(new UpdateCommand(update));
      else
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: update },
              { Update: this.owing(read, `credit_note.refund_failure#${read.sequentialId}`, at) },
            ],
          }),
        );
      return { written: true };
    } catch (error) {
      if (isConditionFailure(error) || cancellationCodes(error)?.includes("ConditionalCheckFailed"))
        return { written: false };
      throw error;
    }
  }
}
