import { randomUUID } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { AppliedCouponAfter, AppliedCouponState } from "#shared/domain/coupons/apply-coupons.js";
import { invoiceWithCoupons } from "#shared/domain/coupons/invoice-with-coupons.js";
import {
  balancesAfter,
  invoiceWithCreditBalances,
} from "#shared/domain/credit-notes/apply-credit-balances.js";
import type { CreditBalance, CreditBalanceUse } from "#shared/domain/credit-notes/consume-credit-balances.js";
import type { Invoice } from "#shared/domain/invoice.js";
import { owesCollectionOnceFinalized } from "#shared/domain/invoices/payment-collection.js";
import { awaitsOverdue, overdueFrom } from "#shared/domain/invoices/payment-overdue.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { cancellationCodes, isConditionFailure } from "#shared/store/errors.js";
import { creditNoteItemKey, invoiceItemKey, periodInvoiceId } from "#shared/store/invoice-keys.js";
import { joinKey, withoutStorageAttributes } from "#shared/store/keys.js";
import { queryAll } from "#shared/store/query.js";
import {
  type CouponSource,
  type CouponUsage,
  catalogCoupons,
  couponRecreditWrites,
  couponsLeft,
  couponUsageWrites,
  processCatalog,
  readCouponUsage,
} from "./coupon-usage.js";
import { creditBalanceUseWrites, readCreditBalances } from "./credit-balance-writes.js";
import type { StoredCreditNote } from "./credit-note-store.js";
import { listIndexAttributes } from "./invoice-list-index.js";

/**
 * The domain events an invoice owes, in the order they happen to it. A one-off invoice owes
 * Lago's `invoice.one_off_created` where a subscription's owes `invoice.created`.
 */
export const INVOICE_EVENTS = [
  "invoice.drafted",
  "invoice.created",
  "invoice.one_off_created",
  "subscription.advance_fee_unused",
  "invoice.generated",
  "invoice.voided",
] as const;
export type InvoiceEvent = (typeof INVOICE_EVENTS)[number];

/**
 * Events an invoice may owe several times in its life (pending → failed → succeeded): each is
 * owed under its own number, `invoice.payment_status_updated#3`, taken from the invoice's
 * `eventSequence` in the same write as the change, so each change is owed, and published, once.
 */
export const REPEATABLE_INVOICE_EVENTS = [
  "invoice.payment_status_updated",
  "invoice.payment_overdue",
  "invoice.payment_failure",
] as const;
export type RepeatableInvoiceEvent = (typeof REPEATABLE_INVOICE_EVENTS)[number];
/**
 * Events of an invoice's credit notes, owed by the invoice under the note's sequential id
 * (`credit_note.created#2`): a note is written in one transaction with its invoice, so the event
 * is owed in the same write, and published by the invoice's outbox.
 */
export const CREDIT_NOTE_EVENTS = [
  "credit_note.created",
  "credit_note.generated",
  "credit_note.refund_failure",
] as const;
export type CreditNoteEvent = (typeof CREDIT_NOTE_EVENTS)[number];

/** An event as an invoice owes it: once-only events by name, repeatable ones numbered. */
export type OwedEvent = InvoiceEvent | `${RepeatableInvoiceEvent}#${number}` | `${CreditNoteEvent}#${number}`;
export type PublishedEvent = InvoiceEvent | RepeatableInvoiceEvent | CreditNoteEvent;

/** The event's name as published, without its number. */
export const publishedName = (owed: OwedEvent): PublishedEvent => owed.split("#")[0] as PublishedEvent;
const eventNumber = (owed: OwedEvent): number => Number(owed.split("#")[1] ?? 0);
const isCreditNoteEvent = (owed: OwedEvent): owed is `${CreditNoteEvent}#${number}` =>
  owed.startsWith("credit_note.");
/** The sequential id of the credit note a credit note event is about. */
export const creditNoteOfEvent = (owed: `${CreditNoteEvent}#${number}`): number => eventNumber(owed);

/** Why the last collection of an invoice's payment failed, as its `invoice.payment_failure` shows it. */
export interface PaymentFailureRecord {
  readonly paymentProvider: string | null;
  readonly paymentProviderCode: string | null;
  readonly providerCustomerId: string | null;
  readonly providerError: Readonly<Record<string, unknown>> | null;
  readonly errorDetails: Readonly<Record<string, unknown>> | null;
}

export interface StoredInvoice extends Invoice {
  /**
   * Every event it owed has been published. Before the outbox (`pendingEvents`) was kept, it meant
   * that the event of the status it was made in had been.
   */
  readonly domainEventPublished?: boolean;
  /** Epoch ms until which one run holds the right to publish its events. */
  readonly publicationLeaseUntil?: number;
  /** The events its changes owe and that are not published yet: written with each change. */
  readonly pendingEvents?: ReadonlySet<OwedEvent>;
  /** A draft whose usage changed since it was made (a late event): to be refreshed. */
  readonly readyToBeRefreshed?: boolean;
  /** Changes at each late event, so a refresh that read usage before one never clears its flag. */
  readonly lateUsageMark?: string;
  /** The last number given to a repeatable event it owed (absent: none yet). */
  readonly eventSequence?: number;
  /** Epoch ms until which one collection of its payment holds the right to run (retry_payment). */
  readonly collectionLeaseUntil?: number;
  /** Collections of its payment started so far. */
  readonly paymentAttempts?: number;
  /** Why its last collection failed. */
  readonly lastPaymentFailure?: PaymentFailureRecord;
  /**
   * Its finalization owes the collection of its payment (Lago collects once it finalizes): written
   * with the finalization, so a crash after it loses no collection; carried out by whoever handles
   * the invoice next (`payments/collect-owed-payment.ts`), and the invoice waits in the drafts index
   * until then.
   */
  readonly paymentCollectionOwed?: boolean;
  /** The provider's payment (a Stripe PaymentIntent) of the collection holding the lease. */
  readonly collectionPaymentId?: string;
  /** The documents bucket's key of its PDF, once rendered and stored (`POST /invoices/{id}/download`). */
  readonly fileKey?: string;
}

/** Attributes the store keeps beside an invoice's own data; changes of the invoice never write them. */
const STORE_ATTRIBUTES = new Set<string>([
  "domainEventPublished",
  "publicationLeaseUntil",
  "pendingEvents",
  "readyToBeRefreshed",
  "lateUsageMark",
  "eventSequence",
  "collectionLeaseUntil",
  "paymentAttempts",
  "lastPaymentFailure",
  "paymentCollectionOwed",
  "collectionPaymentId",
  "fileKey",
  // Written by credit notes' transactions only (see `Invoice.creditNotes`).
  "creditNotes",
]);

/**
 * The events `invoice` still owes, oldest first: drafted, created, the numbered ones in their
 * order, voided (nothing happens to a voided invoice's payment).
 */
export function owedEvents(invoice: StoredInvoice): OwedEvent[] {
  if (invoice.pendingEvents) {
    const owed = [...invoice.pendingEvents];
    const once = (event: InvoiceEvent) => (owed.includes(event) ? [event] : []);
    const numbered = owed
      .filter((event) => event.includes("#") && !isCreditNoteEvent(event))
      .sort((a, b) => eventNumber(a) - eventNumber(b));
    // A note's events in the order they happen to it, notes in their order.
    const kindOrder = (event: OwedEvent) =>
      CREDIT_NOTE_EVENTS.indexOf(publishedName(event) as CreditNoteEvent);
    const creditNotes = owed
      .filter(isCreditNoteEvent)
      .sort((a, b) => eventNumber(a) - eventNumber(b) || kindOrder(a) - kindOrder(b));
    return [
      ...once("invoice.drafted"),
      ...once("invoice.created"),
      ...once("invoice.one_off_created"),
      ...once("subscription.advance_fee_unused"),
      ...once("invoice.generated"),
      ...numbered,
      ...creditNotes,
      ...once("invoice.voided"),
    ];
  }
  if (invoice.domainEventPublished) return [];
  // Made before the outbox: it owes the event of the status it was made in, which it still has.
  return [invoice.status === "draft" ? "invoice.drafted" : "invoice.created"];
}

/** How a finalized invoice gets its number: which counter, and how to print the value. */
export interface NumberingPlan {
  readonly counter: string;
  readonly format: (sequence: number) => string;
}

export type SaveOutcome =
  | { readonly created: true; readonly invoice: StoredInvoice }
  | { readonly created: false; readonly invoice: StoredInvoice };

/** What became of a change conditional on the invoice as read. */
export type ChangeOutcome =
  | { readonly changed: true; readonly invoice: StoredInvoice }
  /** It moved since it was read (finalized, voided, refreshed after a late event): read it again. */
  | { readonly changed: false };

export const invoiceSk = (id: string) => invoiceItemKey("", id).sk;
const listPk = (organizationId: string) => joinKey(organizationId, "invoices");

/**
 * Drafts sit in the `due` index under partitions of their own, apart from billing schedules'
 * (`due#…`), for the billing clock to review each run: a grace period changed in the catalog may
 * have ended any of them. A draft flagged for refresh moves to the flagged partitions, and an
 * invoice whose change still owes an event (a finalization, a void) to the last ones until it is
 * published. Each kind is spread over a few partitions by the invoice's id.
 */
export type WaitingKind = "draft" | "flagged" | "owing";
const WAITING_PARTITIONS: Record<WaitingKind, string> = {
  draft: "drafts",
  flagged: "drafts-flagged",
  owing: "invoice-events",
};
const WAITING_SHARDS = 4;
function shardOf(partition: string, invoiceId: string): string {
  let hash = 0;
  for (const char of invoiceId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${partition}#${hash % WAITING_SHARDS}`;
}
export const waitingShard = (kind: WaitingKind, invoiceId: string) =>
  shardOf(WAITING_PARTITIONS[kind], invoiceId);

/**
 * A finalized invoice whose payment is not settled, once it owes no event, waits in partitions of
 * the `due` index of its own, sorted by the instant it becomes overdue (the local midnight ending
 * its due date), so a billing clock run reads only the invoices that have become overdue since.
 * The drafts review does not read these partitions.
 */
const OVERDUE_PARTITION = "invoices-overdue";
export const allOverdueShards = (): string[] =>
  Array.from({ length: WAITING_SHARDS }, (_, index) => `${OVERDUE_PARTITION}#${index}`);

/** Where an invoice that is no draft and owes nothing rests in the `due` index: undefined, nowhere. */
export function restingPlace(invoice: Invoice): { duePk: string; dueAt: string } | undefined {
  if (invoice.status === "draft" || !awaitsOverdue(invoice)) return undefined;
  return { duePk: shardOf(OVERDUE_PARTITION, invoice.id), dueAt: overdueFrom(invoice) };
}

/** An invoice due to become overdue, as the overdue partitions keep it. */
export interface OverdueCandidate {
  readonly organizationId: string;
  readonly invoiceId: string;
}
/** Every partition of the drafts index: the billing clock reads them all. */
export const allWaitingShards = (): string[] =>
  (Object.values(WAITING_PARTITIONS) as string[]).flatMap((partition) =>
    Array.from({ length: WAITING_SHARDS }, (_, index) => `${partition}#${index}`),
  );
const kindOfShard = (shard: string): WaitingKind =>
  (Object.entries(WAITING_PARTITIONS).find(([, partition]) => shard.startsWith(`${partition}#`))?.[0] ??
    "owing") as WaitingKind;

/**
 * What the index keeps of a draft beside its key, so the clock decides without reading it: its
 * finalization date as it was made, and the billing date a changed grace period counts from.
 */
const draftSortKey = (invoice: Invoice) =>
  `${invoice.expectedFinalizationDate ?? invoice.issuingDate}#${invoice.billingDate ?? ""}`;

/** An invoice waiting in the drafts index for the billing clock. */
export interface WaitingInvoice {
  readonly organizationId: string;
  readonly invoiceId: string;
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  readonly kind: WaitingKind;
  /** A draft's finalization date as it was made, and its billing date (null if not kept). */
  readonly expectedFinalizationDate: string | null;
  readonly billingDate: string | null;
}

/** Attempts of a numbering that keeps losing its counter to concurrent ones, before giving up. */
const MAX_NUMBERING_ATTEMPTS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Full jitter: concurrent numberings that collided spread their next tries apart. */
const backoff = (attempt: number) => sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));

/**
 * A change given up after meeting concurrent ones too many times (a sequence other numberings kept
 * taking, a draft late usage kept changing): nothing was written; it may be made again later.
 */
export class InvoiceContendedError extends Error {
  constructor(readonly invoiceId: string) {
    super(`invoice ${invoiceId} kept changing concurrently`);
    this.name = "InvoiceContendedError";
  }
}

/** A finalization waiting for its number in this process. */
interface NumberingRequest {
  readonly read: StoredInvoice;
  readonly numbered: (sequence: number) => Invoice;
  readonly resolve: (outcome: ChangeOutcome) => void;
  readonly reject: (error: unknown) => void;
}

interface NumberingLane {
  readonly counterKey: { pk: string; sk: string };
  waiting: NumberingRequest[];
  running: boolean;
}

/** Drafts numbered in one transaction at most; with the counter, well within its 100 items. */
const MAX_NUMBERED_TOGETHER = 25;
/** And their items' size, within a transaction's 4 MB (an item holds at most 400 KB). */
const MAX_NUMBERED_BYTES = 3_000_000;
/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;
/**
 * Credit notes (two writes each) and coupons (one each) one invoice's finalization spends at most,
 * so that it fits one transaction (drafts numbered together whose customers spend more are split
 * into smaller transactions); a customer with more has the rest taken by its next invoices.
 */
const MAX_CREDIT_NOTES_SPENT = 30;
const MAX_COUPONS_SPENT = 10;

/** The next drafts of a lane to number together: distinct invoices, within a transaction's limits. */
function takeGroup(lane: NumberingLane): NumberingRequest[] {
  const group: NumberingRequest[] = [];
  const later: NumberingRequest[] = [];
  const invoices = new Set<string>();
  let bytes = 0;
  for (const request of lane.waiting) {
    const size = JSON.stringify(request.read).length;
    const fits =
      group.length < MAX_NUMBERED_TOGETHER && (group.length === 0 || bytes + size <= MAX_NUMBERED_BYTES);
    // One transaction may not touch an item twice: a second request for a draft waits its turn.
    if (!fits || invoices.has(request.read.id)) {
      later.push(request);
      continue;
    }
    group.push(request);
    invoices.add(request.read.id);
    bytes += size;
  }
  lane.waiting = later;
  return group;
}

/**
 * Invoices in invoicing's table. An invoice's id is derived from its subscription and period, so
 * `attribute_not_exists` on its key is the one-invoice-per-(subscription, period) guarantee. Every
 * change after creation is conditional on the status read, and writes the events it owes in the
 * same item (an outbox), so a crash between the change and its publication loses no event.
 */
export class InvoiceStore {
  /**
   * Numberings of one counter in this process run one after the other: they would only collide
   * on the counter's condition. Other processes still collide, and retry.
   */
  private readonly counterQueues = new Map<string, Promise<unknown>>();
  /** Finalizations waiting for their counter in this process, by counter. */
  private readonly numberingLanes = new Map<string, NumberingLane>();

  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
    /** The customers' applied coupons a finalization takes (the catalog's, read only). */
    private readonly coupons: CouponSource = catalogCoupons(processCatalog),
  ) {}

  private key(organizationId: string, id: string) {
    return { pk: organizationId, sk: invoiceSk(id) };
  }

  private static listSortKey(invoice: Invoice) {
    return `${invoice.issuingDate}#${invoice.createdAt}#${invoice.id}`;
  }

  private static data(invoice: Invoice): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(invoice).filter(([name, value]) => !STORE_ATTRIBUTES.has(name) && value !== undefined),
    );
  }

  private item(invoice: Invoice, pendingEvent: InvoiceEvent) {
    // A termination's unused pay-in-advance fee is owed in the same write as its invoice.
    const pendingEvents = new Set<OwedEvent>([pendingEvent]);
    if (invoice.unusedAdvanceFee) pendingEvents.add("subscription.advance_fee_unused");
    return {
      ...InvoiceStore.data(invoice),
      pk: invoice.organizationId,
      sk: invoiceSk(invoice.id),
      kind: "invoice",
      gsi1pk: listPk(invoice.organizationId),
      gsi1sk: InvoiceStore.listSortKey(invoice),
      ...listIndexAttributes(invoice),
      pendingEvents,
      ...(owesCollectionOnceFinalized(invoice) ? { paymentCollectionOwed: true } : {}),
      ...(invoice.status === "draft"
        ? { duePk: waitingShard("draft", invoice.id), dueAt: draftSortKey(invoice) }
        : // A one-off invoice is saved by an API call no one retries: it waits with the invoices
          // owing their event, for the billing clock to publish it if the call stops first.
          invoice.invoiceType === "one_off"
          ? { duePk: waitingShard("owing", invoice.id), dueAt: invoice.updatedAt }
          : (restingPlace(invoice) ?? {})),
    };
  }

  /**
   * `SET` of every field of the invoice's own data (its key aside), of its place in the list, and
   * of its place in the drafts index (`waiting`: a draft's, else owing its change's event; null:
   * left where it is, for a change that owes no event).
   */
  private static setFields(invoice: Invoice, waiting: { kind: WaitingKind; at: string } | null) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const assignments: string[] = [];
    for (const [index, [name, value]] of Object.entries(InvoiceStore.data(invoice)).entries()) {
      if (name === "id" || name === "organizationId") continue;
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      assignments.push(`#f${index} = :f${index}`);
    }
    values[":gsi1sk"] = InvoiceStore.listSortKey(invoice);
    assignments.push("gsi1sk = :gsi1sk");
    if (waiting) {
      values[":duePk"] = waitingShard(waiting.kind, invoice.id);
      values[":dueAt"] = waiting.at;
      assignments.push("duePk = :duePk", "dueAt = :dueAt");
    }
    // Its places in the list indexes, from the invoice as written (status, payment status, fees).
    for (const [name, value] of Object.entries(listIndexAttributes(invoice))) {
      values[`:${name}`] = value;
      assignments.push(`${name} = :${name}`);
    }
    return { assignments, names, values };
  }

  /** The draft as read, still a draft, with no late usage flagged since. */
  private static draftAsRead(read: StoredInvoice) {
    return {
      condition: `#status = :draft AND ${read.lateUsageMark ? "lateUsageMark = :mark" : "attribute_not_exists(lateUsageMark)"}`,
      names: { "#status": "status" },
      values: { ":draft": "draft", ...(read.lateUsageMark ? { ":mark": read.lateUsageMark } : {}) },
    };
  }

  async get(organizationId: string, id: string): Promise<StoredInvoice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: this.key(organizationId, id), ConsistentRead: true }),
    );
    return Item ? withoutStorageAttributes<StoredInvoice>(Item) : undefined;
  }

  /** One of the invoice's credit notes, for the events the invoice owes of it. */
  async getCreditNote(organizationId: string, id: string): Promise<StoredCreditNote | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: creditNoteItemKey(organizationId, id),
        ConsistentRead: true,
      }),
    );
    return Item ? withoutStorageAttributes<StoredCreditNote>(Item) : undefined;
  }

  /** Runs `work` after the numberings of `counter` this process has started before it. */
  private inCounterQueue<T>(counter: string, work: () => Promise<T>): Promise<T> {
    const previous = this.counterQueues.get(counter) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.counterQueues.set(counter, settled);
    void settled.then(() => {
      if (this.counterQueues.get(counter) === settled) this.counterQueues.delete(counter);
    });
    return next;
  }

  /** The counter item of a sequence. */
  private counterKey(organizationId: string, counter: string) {
    return { pk: organizationId, sk: joinKey("counter", counter) };
  }

  /** The conditional step of a counter from `current` (0: never used) to `current + step`. */
  private counterStep(key: { pk: string; sk: string }, current: number, step = 1) {
    return {
      Update: {
        TableName: this.table,
        Key: key,
        UpdateExpression: "SET #value = :next, kind = :kind",
        ConditionExpression: current === 0 ? "attribute_not_exists(#value)" : "#value = :current",
        ExpressionAttributeNames: { "#value": "value" },
        ExpressionAttributeValues: {
          ":next": current + step,
          ":kind": "counter",
          ...(current === 0 ? {} : { ":current": current }),
        },
      },
    };
  }

  /**
   * Saves a new invoice once, with the event it owes (`invoice.drafted`, `invoice.created`, or
   * `invoice.one_off_created` for a one-off invoice). A
   * finalized invoice takes the next number of its sequence in the same transaction, on the
   * condition that the counter still holds the value read: numbers are gapless and never shared.
   * A draft takes no number, and waits in the drafts index. If the invoice exists, nothing is written.
   */
  async saveOnce(
    invoice: Invoice,
    numbering: NumberingPlan | null,
    maxAttempts = MAX_NUMBERING_ATTEMPTS,
  ): Promise<SaveOutcome> {
    const save = async (): Promise<SaveOutcome> => {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const existing = await this.get(invoice.organizationId, invoice.id);
        if (existing) return { created: false, invoice: existing };
        const counterKey = numbering ? this.counterKey(invoice.organizationId, numbering.counter) : null;
        const current = counterKey ? await this.readCounter(counterKey) : 0;
        const numbered: Invoice = numbering
          ? { ...invoice, sequentialId: current + 1, number: numbering.format(current + 1) }
          : invoice;
        // A finalized invoice takes the customer's coupons and credit balances in its own transaction.
        const credited = await this.withFinalizationCredits([numbered], invoice.createdAt);
        const toSave = credited.invoices[0] as Invoice;
        const event: InvoiceEvent =
          toSave.status === "draft"
            ? "invoice.drafted"
            : toSave.invoiceType === "one_off"
              ? "invoice.one_off_created"
              : "invoice.created";
        const item = this.item(toSave, event);
        const put = { TableName: this.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" };
        try {
          // A draft takes no number: one conditional put, half a transaction's write units.
          if (!counterKey) await this.client.send(new PutCommand(put));
          else
            await this.client.send(
              new TransactWriteCommand({
                TransactItems: [{ Put: put }, this.counterStep(counterKey, current), ...credited.writes],
              }),
            );
          return { created: true, invoice: withoutStorageAttributes<StoredInvoice>(item) };
        } catch (error) {
          // The invoice exists now (a concurrent run): the next loop returns it.
          if (isConditionFailure(error)) continue;
          const codes = cancellationCodes(error);
          if (!codes) throw error;
          // [0] failed: the invoice exists now (a concurrent run): the next loop returns it.
          // [1] failed: another invoice took this number first: read the counter again.
          // [2…] failed: a credit balance was spent meanwhile: read the balances again.
          if (codes[0] !== "ConditionalCheckFailed") await backoff(attempt);
        }
      }
      throw new InvoiceContendedError(invoice.id);
    };
    return numbering ? this.inCounterQueue(`${invoice.organizationId}#${numbering.counter}`, save) : save();
  }

  /**
   * Finalizes the draft `read` as `numbered(sequence)` makes it with the next number of `counter`,
   * in one transaction: the counter's step from the value read, and the invoice conditional on
   * being the draft read (no late usage flagged since); it owes `invoice.created`. A lost counter
   * is read again; a draft that moved is the caller's to read again (`changed: false`).
   *
   * Drafts of one counter finalized at once in this process (a customer's or an organization's
   * drafts whose grace periods end at the same local midnight) share their transactions: each
   * takes the next numbers of the counter for all the drafts waiting, so they do not collide on
   * the counter with one another, only with other processes.
   */
  finalizeDraft(
    read: StoredInvoice,
    counter: string,
    numbered: (sequence: number) => Invoice,
  ): Promise<ChangeOutcome> {
    const key = `${read.organizationId}#${counter}`;
    return new Promise((resolve, reject) => {
      let lane = this.numberingLanes.get(key);
      if (!lane) {
        lane = { counterKey: this.counterKey(read.organizationId, counter), waiting: [], running: false };
        this.numberingLanes.set(key, lane);
      }
      lane.waiting.push({ read, numbered, resolve, reject });
      if (!lane.running) void this.drainLane(key, lane);
    });
  }

  private async drainLane(key: string, lane: NumberingLane): Promise<void> {
    lane.running = true;
    while (lane.waiting.length > 0) await this.numberTogether(lane.counterKey, takeGroup(lane));
    lane.running = false;
    this.numberingLanes.delete(key);
  }

  /** Numbers `group` in transactions of its counter's step and its drafts, until each is settled. */
  private async numberTogether(counterKey: { pk: string; sk: string }, group: NumberingRequest[]) {
    let members = group;
    for (let attempt = 0; members.length > 0; attempt++) {
      if (attempt >= MAX_NUMBERING_ATTEMPTS) {
        for (const member of members) member.reject(new InvoiceContendedError(member.read.id));
        return;
      }
      let finalized: Invoice[];
      try {
        const current = await this.readCounter(counterKey);
        const numbered = members.map((member, index) => member.numbered(current + 1 + index));
        // Each takes the customer's coupons and credit balances, in the same transaction (see saveOnce).
        const credited = await this.withFinalizationCredits(numbered, numbered[0]?.updatedAt ?? "");
        // Too many coupons and balances for one transaction: each half of the group on its own.
        if (members.length > 1 && 1 + members.length + credited.writes.length > MAX_TRANSACTION_ITEMS) {
          const half = Math.ceil(members.length / 2);
          await this.numberTogether(counterKey, members.slice(0, half));
          await this.numberTogether(counterKey, members.slice(half));
          return;
        }
        finalized = credited.invoices;
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              this.counterStep(counterKey, current, members.length),
              ...members.map((member, index) => ({
                Update: this.finalization(member.read, finalized[index] as Invoice),
              })),
              ...credited.writes,
            ],
          }),
        );
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) {
          for (const member of members) member.reject(error);
          return;
        }
        // A draft that moved is its caller's to read again; the others try again together (a
        // credit balance spent meanwhile is read again with the counter).
        const moved = new Set(members.filter((_, index) => codes[index + 1] === "ConditionalCheckFailed"));
        for (const member of moved) member.resolve({ changed: false });
        members = members.filter((member) => !moved.has(member));
        if (moved.size === 0) await backoff(attempt);
        continue;
      }
      for (const [index, member] of members.entries()) {
        const invoice = finalized[index] as Invoice;
        const pendingEvents = this.owedAfter(member.read, "invoice.created");
        const collection = owesCollectionOnceFinalized(invoice) ? { paymentCollectionOwed: true } : {};
        member.resolve({ changed: true, invoice: { ...invoice, pendingEvents, ...collection } });
      }
      return;
    }
  }

  /**
   * The finalized ones of `invoices` as they finalize, and the writes that spend what they take,
   * each conditional on what was read, in the finalization's own transaction: first the
   * customer's coupons, before taxes (`invoiceWithCoupons`), then its credit note balances, after
   * them (`invoiceWithCreditBalances`). Invoices of one customer finalized together take one after
   * the other from what the earlier ones left, with one write per coupon and per note.
   */
  private async withFinalizationCredits(
    invoices: readonly Invoice[],
    now: string,
  ): Promise<{ invoices: Invoice[]; writes: Record<string, unknown>[] }> {
    const readBalances = new Map<string, CreditBalance[]>();
    const balancesLeft = new Map<string, CreditBalance[]>();
    const balanceUses = new Map<string, Map<string, CreditBalanceUse>>();
    const readUsage = new Map<string, Map<string, CouponUsage>>();
    const couponsOf = new Map<string, Awaited<ReturnType<CouponSource>>>();
    const couponsLeftOf = new Map<string, AppliedCouponState[]>();
    const couponsAfter = new Map<string, Map<string, AppliedCouponAfter>>();
    const credited: Invoice[] = [];
    for (const original of invoices) {
      // Only subscription invoices take coupons and balances (see the two rules): nothing to read.
      if (
        original.status !== "finalized" ||
        original.invoiceType !== "subscription" ||
        original.totalAmountCents <= 0
      ) {
        credited.push(original);
        continue;
      }
      const { organizationId, customerId: customer } = original;
      if (!couponsOf.has(customer)) {
        const all = await this.coupons(organizationId, customer);
        const source = { ...all, coupons: all.coupons.slice(0, MAX_COUPONS_SPENT) };
        couponsOf.set(customer, source);
        const usage =
          source.coupons.length > 0
            ? await readCouponUsage(this.client, this.table, organizationId, customer)
            : new Map<string, CouponUsage>();
        readUsage.set(customer, usage);
        couponsLeftOf.set(customer, couponsLeft(source.coupons, usage));
      }
      const withCoupons = invoiceWithCoupons(
        original,
        couponsLeftOf.get(customer) ?? [],
        couponsOf.get(customer)?.names ?? new Map(),
      );
      const invoice = withCoupons.invoice;
      if (withCoupons.applied) {
        const after = couponsAfter.get(customer) ?? new Map<string, AppliedCouponAfter>();
        for (const coupon of withCoupons.applied.appliedCoupons) after.set(coupon.id, coupon);
        couponsAfter.set(customer, after);
        // The next invoice of the customer takes what this one left.
        couponsLeftOf.set(
          customer,
          (couponsLeftOf.get(customer) ?? []).flatMap((coupon) => {
            const left = after.get(coupon.id);
            if (!left) return [coupon];
            return left.terminated
              ? []
              : [
                  {
                    ...coupon,
                    remainingAmountCents: left.remainingAmountCents,
                    frequencyDurationRemaining: left.frequencyDurationRemaining,
                  },
                ];
          }),
        );
      }
      if (invoice.totalAmountCents <= 0) {
        credited.push(invoice);
        continue;
      }
      if (!readBalances.has(customer)) {
        // The oldest ones first; a transaction takes only so many (see MAX_CREDIT_NOTES_SPENT).
        const balances = (await readCreditBalances(this.client, this.table, organizationId, customer)).slice(
          0,
          MAX_CREDIT_NOTES_SPENT,
        );
        readBalances.set(customer, balances);
        balancesLeft.set(customer, balances);
      }
      const applied = invoiceWithCreditBalances(invoice, balancesLeft.get(customer) ?? []);
      credited.push(applied.invoice);
      balancesLeft.set(customer, balancesAfter(balancesLeft.get(customer) ?? [], applied.uses));
      const customerUses = balanceUses.get(customer) ?? new Map<string, CreditBalanceUse>();
      for (const use of applied.uses) {
        // One write per note: from the balance first read to what the last invoice left.
        const first = customerUses.get(use.creditNoteId);
        customerUses.set(
          use.creditNoteId,
          first ? { ...use, balanceBeforeCents: first.balanceBeforeCents } : use,
        );
      }
      balanceUses.set(customer, customerUses);
    }
    const organizationId = invoices[0]?.organizationId ?? "";
    const writes = [
      ...[...couponsAfter].flatMap(([customer, after]) =>
        couponUsageWrites(
          this.table,
          organizationId,
          customer,
          readUsage.get(customer) ?? new Map(),
          [...after.values()].map((coupon) => ({
            ...coupon,
            frequency:
              couponsOf.get(customer)?.coupons.find((state) => state.id === coupon.id)?.frequency ?? "once",
          })),
          now,
        ),
      ),
      ...[...balanceUses].flatMap(([customer, byNote]) =>
        creditBalanceUseWrites(
          this.table,
          organizationId,
          customer,
          readBalances.get(customer) ?? [],
          [...byNote.values()],
          now,
        ),
      ),
    ];
    return { invoices: credited, writes };
  }

  /** The update finalizing the draft `read` as `finalized`, conditional on it being the draft read. */
  private finalization(read: StoredInvoice, finalized: Invoice) {
    const set = InvoiceStore.setFields(finalized, { kind: "owing", at: finalized.updatedAt });
    const asRead = InvoiceStore.draftAsRead(read);
    return {
      TableName: this.table,
      Key: this.key(read.organizationId, read.id),
      UpdateExpression: `SET ${set.assignments.join(", ")}${owesCollectionOnceFinalized(finalized) ? ", paymentCollectionOwed = :collect" : ""} REMOVE readyToBeRefreshed ADD pendingEvents :created`,
      ConditionExpression: asRead.condition,
      ExpressionAttributeNames: { ...set.names, ...asRead.names },
      ExpressionAttributeValues: {
        ...set.values,
        ...asRead.values,
        ":created": new Set(["invoice.created"]),
        ...(owesCollectionOnceFinalized(finalized) ? { ":collect": true } : {}),
      },
    };
  }

  private owedAfter(read: StoredInvoice, event: InvoiceEvent): ReadonlySet<OwedEvent> {
    return new Set([...owedEvents(read), event]);
  }

  /**
   * Replaces the draft `read` by `next` (a refresh), conditional on it being the draft read (no
   * late usage flagged since, which `next` may not count): its refresh flag is cleared.
   */
  async replaceDraft(read: StoredInvoice, next: Invoice): Promise<ChangeOutcome> {
    const set = InvoiceStore.setFields(next, { kind: "draft", at: draftSortKey(next) });
    const asRead = InvoiceStore.draftAsRead(read);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(read.organizationId, read.id),
          UpdateExpression: `SET ${set.assignments.join(", ")} REMOVE readyToBeRefreshed`,
          ConditionExpression: asRead.condition,
          ExpressionAttributeNames: { ...set.names, ...asRead.names },
          ExpressionAttributeValues: { ...set.values, ...asRead.values },
        }),
      );
      const { readyToBeRefreshed: _cleared, ...kept } = read;
      return { changed: true, invoice: { ...kept, ...next } };
    } catch (error) {
      if (isConditionFailure(error)) return { changed: false };
      throw error;
    }
  }

  /**
   * Voids the finalized invoice `read` as `voided`, conditional on its status and payment status
   * being those read; it owes `invoice.voided`, and waits in the drafts index until that is
   * published (a crash before is caught up by the billing clock).
   */
  async voidFinalized(read: StoredInvoice, voided: Invoice): Promise<ChangeOutcome> {
    // It moves to the voided list partitions (every list attribute is set: one made before them
    // gets them all).
    const listed = Object.entries(listIndexAttributes({ ...read, ...voided }));
    const notes = read.creditNotes?.count;
    const update = {
      TableName: this.table,
      Key: this.key(read.organizationId, read.id),
      UpdateExpression: `SET #status = :voided, voidedAt = :at, updatedAt = :at, duePk = :shard, dueAt = :at, ${listed.map(([name]) => `${name} = :${name}`).join(", ")} ADD pendingEvents :event`,
      // No credit note made on it since it was read.
      ConditionExpression: `#status = :finalized AND paymentStatus = :paymentStatus AND ${notes === undefined ? "attribute_not_exists(creditNotes)" : "creditNotes.#count = :notes"}`,
      ExpressionAttributeNames: {
        "#status": "status",
        ...(notes === undefined ? {} : { "#count": "count" }),
      },
      ExpressionAttributeValues: {
        ":voided": "voided",
        ":at": voided.voidedAt,
        ":shard": waitingShard("owing", read.id),
        ":event": new Set(["invoice.voided"]),
        ":finalized": "finalized",
        ":paymentStatus": read.paymentStatus,
        ...(notes === undefined ? {} : { ":notes": notes }),
        ...Object.fromEntries(listed.map(([name, value]) => [`:${name}`, value])),
      },
    };
    // What its coupons gave is given back to them, in the same transaction.
    const credits = read.couponCredits ?? [];
    const recredits =
      credits.length === 0
        ? []
        : couponRecreditWrites(
            this.table,
            read.organizationId,
            read.customerId,
            await readCouponUsage(this.client, this.table, read.organizationId, read.customerId),
            credits,
            voided.voidedAt ?? voided.updatedAt,
          );
    try {
      if (recredits.length === 0) await this.client.send(new UpdateCommand(update));
      else
        await this.client.send(
          new TransactWriteCommand({ TransactItems: [{ Update: update }, ...recredits] }),
        );
      return {
        changed: true,
        invoice: { ...read, ...voided, pendingEvents: this.owedAfter(read, "invoice.voided") },
      };
    } catch (error) {
      if (isConditionFailure(error) || cancellationCodes(error)?.includes("ConditionalCheckFailed"))
        return { changed: false };
      throw error;
    }
  }

  /**
   * Claims the publication of an invoice's owed events for `leaseMs`: only one of several
   * concurrent runs publishes, and if that run dies before they are all marked published, another
   * may claim them once the lease has run out. Returns the invoice as it stands, with the lease's
   * end, or undefined when it owes nothing or someone else holds the lease.
   */
  async claimPublication(
    organizationId: string,
    id: string,
    nowMs: number,
    leaseMs = 60_000,
  ): Promise<{ invoice: StoredInvoice; leaseUntil: number } | undefined> {
    const leaseUntil = nowMs + leaseMs;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(organizationId, id),
          UpdateExpression: "SET publicationLeaseUntil = :until",
          ConditionExpression:
            "attribute_exists(pk) AND (attribute_exists(pendingEvents) OR attribute_not_exists(domainEventPublished)) AND (attribute_not_exists(publicationLeaseUntil) OR publicationLeaseUntil < :now)",
          ExpressionAttributeValues: { ":until": leaseUntil, ":now": nowMs },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes
        ? { invoice: withoutStorageAttributes<StoredInvoice>(Attributes), leaseUntil }
        : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Marks one owed event published (a repeat of it changes nothing). */
  async markEventPublished(organizationId: string, id: string, event: OwedEvent): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(organizationId, id),
        UpdateExpression: "SET domainEventPublished = :yes DELETE pendingEvents :event",
        ExpressionAttributeValues: { ":yes": true, ":event": new Set([event]) },
      }),
    );
  }

  /**
   * Gives the publication lease back (if still this run's), marking `lastEvent` published in the
   * same write. Returns the invoice as it stands then (a change made meanwhile may owe another
   * event) and whether it waits in the drafts index; undefined when the lease was lost.
   */
  async releasePublication(
    organizationId: string,
    id: string,
    leaseUntil: number,
    lastEvent?: OwedEvent,
  ): Promise<{ invoice: StoredInvoice; inDraftIndex: boolean; duePk?: string } | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(organizationId, id),
          UpdateExpression: lastEvent
            ? "SET domainEventPublished = :yes REMOVE publicationLeaseUntil DELETE pendingEvents :event"
            : "REMOVE publicationLeaseUntil",
          ConditionExpression: "publicationLeaseUntil = :mine",
          ExpressionAttributeValues: {
            ":mine": leaseUntil,
            ...(lastEvent ? { ":yes": true, ":event": new Set([lastEvent]) } : {}),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes
        ? {
            invoice: withoutStorageAttributes<StoredInvoice>(Attributes),
            inDraftIndex: "duePk" in Attributes,
            ...(typeof Attributes.duePk === "string" ? { duePk: Attributes.duePk } : {}),
          }
        : undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (lastEvent) await this.markEventPublished(organizationId, id, lastEvent);
      return undefined;
    }
  }

  /**
   * Takes an invoice out of the drafts index once it is no draft and owes no event; otherwise (or
   * when it has already left) nothing changes. Given the invoice as it stands, one whose payment
   * is unsettled moves to its resting place instead (the overdue partitions), on the condition
   * that what decided it has not changed.
   */
  async leaveDraftIndex(organizationId: string, id: string, standing?: Invoice): Promise<void> {
    const resting = standing ? restingPlace(standing) : undefined;
    try {
      if (standing && resting) {
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: this.key(organizationId, id),
            UpdateExpression: "SET duePk = :duePk, dueAt = :dueAt",
            ConditionExpression: `attribute_not_exists(pendingEvents) AND attribute_not_exists(paymentCollectionOwed) AND #status = :status AND paymentStatus = :paymentStatus AND ${InvoiceStore.asRead("paymentOverdue", standing.paymentOverdue)}`,
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":duePk": resting.duePk,
              ":dueAt": resting.dueAt,
              ":status": standing.status,
              ":paymentStatus": standing.paymentStatus,
              ...InvoiceStore.asReadValue("paymentOverdue", standing.paymentOverdue),
            },
          }),
        );
        return;
      }
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(organizationId, id),
          UpdateExpression: "REMOVE duePk, dueAt",
          ConditionExpression:
            "attribute_exists(duePk) AND #status <> :draft AND attribute_not_exists(pendingEvents) AND attribute_not_exists(paymentCollectionOwed)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":draft": "draft" },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** A condition that an optional attribute is as read (absent when read absent). */
  private static asRead(name: string, value: unknown): string {
    return value === undefined ? `attribute_not_exists(${name})` : `${name} = :read_${name}`;
  }
  private static asReadValue(name: string, value: unknown): Record<string, unknown> {
    return value === undefined ? {} : { [`:read_${name}`]: value };
  }

  /**
   * The update making the invoice `read` into `next` (a payment, a payment status or metadata
   * set by `PUT /invoices/{id}`, an overdue mark), conditional on its status, payment status,
   * paid total, overdue flag and event sequence being those read: two concurrent payments cannot
   * both count against the same due amount, and each owed event takes its own number. Each event
   * of `owes` is owed under the next number of the invoice's sequence; an invoice owing one waits
   * in the drafts index until it is published. Part of a transaction (a payment's), or sent alone.
   */
  paymentChangeUpdate(read: StoredInvoice, next: Invoice, owes: readonly RepeatableInvoiceEvent[]) {
    const set = InvoiceStore.setFields(next, owes.length > 0 ? { kind: "owing", at: next.updatedAt } : null);
    const sequence = read.eventSequence ?? 0;
    const owed = owes.map((event, index): OwedEvent => `${event}#${sequence + index + 1}`);
    const condition = [
      "#status = :read_status",
      "paymentStatus = :read_paymentStatus",
      InvoiceStore.asRead("totalPaidAmountCents", read.totalPaidAmountCents),
      InvoiceStore.asRead("paymentOverdue", read.paymentOverdue),
      InvoiceStore.asRead("eventSequence", read.eventSequence),
    ].join(" AND ");
    const assignments = [...set.assignments, ...(owed.length > 0 ? ["eventSequence = :sequence"] : [])];
    return {
      update: {
        TableName: this.table,
        Key: this.key(read.organizationId, read.id),
        UpdateExpression: `SET ${assignments.join(", ")}${owed.length > 0 ? " ADD pendingEvents :owed" : ""}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...set.names, "#status": "status" },
        ExpressionAttributeValues: {
          ...set.values,
          ":read_status": read.status,
          ":read_paymentStatus": read.paymentStatus,
          ...InvoiceStore.asReadValue("totalPaidAmountCents", read.totalPaidAmountCents),
          ...InvoiceStore.asReadValue("paymentOverdue", read.paymentOverdue),
          ...InvoiceStore.asReadValue("eventSequence", read.eventSequence),
          ...(owed.length > 0 ? { ":sequence": sequence + owed.length, ":owed": new Set(owed) } : {}),
        },
      },
      /** The invoice as stored once the update is made. */
      invoice: {
        ...read,
        ...next,
        ...(owed.length > 0
          ? { eventSequence: sequence + owed.length, pendingEvents: new Set([...owedEvents(read), ...owed]) }
          : {}),
      } satisfies StoredInvoice as StoredInvoice,
    };
  }

  /** Makes `read` into `next` as `paymentChangeUpdate` says, alone; `changed: false` if it moved. */
  async changePayment(
    read: StoredInvoice,
    next: Invoice,
    owes: readonly RepeatableInvoiceEvent[],
  ): Promise<ChangeOutcome> {
    const change = this.paymentChangeUpdate(read, next, owes);
    try {
      await this.client.send(new UpdateCommand(change.update));
      return { changed: true, invoice: change.invoice };
    } catch (error) {
      if (isConditionFailure(error)) return { changed: false };
      throw error;
    }
  }

  /** Invoices of one overdue partition whose due date has ended by `now`, oldest first. */
  async overdueCandidates(shard: string, now: string): Promise<OverdueCandidate[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: "due",
      KeyConditionExpression: "duePk = :shard AND dueAt <= :now",
      ExpressionAttributeValues: { ":shard": shard, ":now": now },
    });
    const prefix = invoiceSk("");
    return items.map((item) => ({
      organizationId: String(item.pk),
      invoiceId: String(item.sk).slice(prefix.length),
    }));
  }

  /**
   * Claims the collection of a finalized, unsettled invoice's payment for `leaseMs`: of several
   * concurrent `retry_payment`s, one claims it, the others find it claimed until it is recorded
   * or its lease has run out (a collection that died). Returns the attempt's number, or undefined.
   */
  async claimCollection(
    organizationId: string,
    id: string,
    nowMs: number,
    leaseMs = 15 * 60_000,
  ): Promise<{ attempt: number; leaseUntil: number } | undefined> {
    const leaseUntil = nowMs + leaseMs;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(organizationId, id),
          UpdateExpression: "SET collectionLeaseUntil = :until ADD paymentAttempts :one",
          ConditionExpression:
            "#status = :finalized AND paymentStatus <> :succeeded AND (attribute_not_exists(collectionLeaseUntil) OR collectionLeaseUntil < :now)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":until": leaseUntil,
            ":one": 1,
            ":now": nowMs,
            ":finalized": "finalized",
            ":succeeded": "succeeded",
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return { attempt: Number(Attributes?.paymentAttempts ?? 1), leaseUntil };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Ends the collection holding `leaseUntil`: a failure is kept and owes `invoice.payment_failure`
   * under the invoice's next event number, in the same write. False when the lease was lost
   * (another collection took over) or the sequence moved since `read` (read it again).
   */
  async endCollection(
    read: StoredInvoice,
    leaseUntil: number,
    failure: PaymentFailureRecord | null,
  ): Promise<boolean> {
    const sequence = (read.eventSequence ?? 0) + 1;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(read.organizationId, read.id),
          UpdateExpression: failure
            ? "SET lastPaymentFailure = :failure, eventSequence = :sequence, duePk = :shard, dueAt = :at REMOVE collectionLeaseUntil ADD pendingEvents :owed"
            : "REMOVE collectionLeaseUntil",
          ConditionExpression: `collectionLeaseUntil = :mine${failure ? ` AND ${InvoiceStore.asRead("eventSequence", read.eventSequence)}` : ""}`,
          ExpressionAttributeValues: {
            ":mine": leaseUntil,
            ...(failure
              ? {
                  ":failure": failure,
                  ":sequence": sequence,
                  ":shard": waitingShard("owing", read.id),
                  ":at": read.updatedAt,
                  ":owed": new Set([`invoice.payment_failure#${sequence}`]),
                  ...InvoiceStore.asReadValue("eventSequence", read.eventSequence),
                }
              : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Records the stored PDF of a finalized (or since voided) invoice under `fileKey`, owing
   * `invoice.generated` in the same write; it waits with the invoices owing an event until that is
   * published. Only the first file recorded owes it: false when the invoice already has one (a
   * second render of the same key), is a draft, or does not exist.
   */
  async recordFile(organizationId: string, id: string, fileKey: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(organizationId, id),
          UpdateExpression: "SET fileKey = :key, duePk = :shard, dueAt = :at ADD pendingEvents :generated",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(fileKey) AND #status <> :draft",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":key": fileKey,
            ":shard": waitingShard("owing", id),
            ":at": at,
            ":generated": new Set(["invoice.generated"]),
            ":draft": "draft",
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Every invoice waiting in one partition of the drafts index. */
  async waitingInvoices(shard: string): Promise<WaitingInvoice[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: "due",
      KeyConditionExpression: "duePk = :shard",
      ExpressionAttributeValues: { ":shard": shard },
    });
    const prefix = invoiceSk("");
    const kind = kindOfShard(shard);
    return items.map((item) => {
      const [expected = "", billed = ""] = String(item.dueAt).split("#");
      return {
        organizationId: String(item.pk),
        invoiceId: String(item.sk).slice(prefix.length),
        subscriptionId: String(item.subscriptionId),
        externalSubscriptionId: String(item.externalSubscriptionId),
        kind,
        expectedFinalizationDate: kind === "owing" ? null : expected || null,
        billingDate: kind === "owing" ? null : billed || null,
      };
    });
  }

  /** The last number a sequence gave (0 before the first). */
  protected async readCounter(key: { pk: string; sk: string }): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return Number(Item?.value ?? 0);
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
   * arrived late for it. A finalized invoice, or none, is left alone (one conditional write, no
   * read). Each late event leaves a new mark, so a refresh that read usage before it fails its
   * condition and is made again.
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
          UpdateExpression: "SET readyToBeRefreshed = :yes, lateUsageMark = :mark, duePk = :flagged",
          ConditionExpression: "#status = :draft",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":yes": true,
            ":draft": "draft",
            ":mark": randomUUID(),
            ":flagged": waitingShard(
              "flagged",
              periodInvoiceId(organizationId, subscriptionId, periodStartsAt),
            ),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
