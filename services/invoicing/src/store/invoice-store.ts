import { randomUUID } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
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

/** The domain events an invoice owes, in the order they happen to it. */
export const INVOICE_EVENTS = ["invoice.drafted", "invoice.created", "invoice.voided"] as const;
export type InvoiceEvent = (typeof INVOICE_EVENTS)[number];

export interface StoredInvoice extends Invoice {
  /**
   * Every event it owed has been published. Before the outbox (`pendingEvents`) was kept, it meant
   * that the event of the status it was made in had been.
   */
  readonly domainEventPublished?: boolean;
  /** Epoch ms until which one run holds the right to publish its events. */
  readonly publicationLeaseUntil?: number;
  /** The events its changes owe and that are not published yet: written with each change. */
  readonly pendingEvents?: ReadonlySet<InvoiceEvent>;
  /** A draft whose usage changed since it was made (a late event): to be refreshed. */
  readonly readyToBeRefreshed?: boolean;
  /** Changes at each late event, so a refresh that read usage before one never clears its flag. */
  readonly lateUsageMark?: string;
}

/** Attributes the store keeps beside an invoice's own data; changes of the invoice never write them. */
const STORE_ATTRIBUTES = new Set<string>([
  "domainEventPublished",
  "publicationLeaseUntil",
  "pendingEvents",
  "readyToBeRefreshed",
  "lateUsageMark",
]);

/** The events `invoice` still owes, oldest first. */
export function owedEvents(invoice: StoredInvoice): InvoiceEvent[] {
  if (invoice.pendingEvents) return INVOICE_EVENTS.filter((event) => invoice.pendingEvents?.has(event));
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

const invoiceSk = (id: string) => invoiceItemKey("", id).sk;
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
function waitingShard(kind: WaitingKind, invoiceId: string): string {
  let hash = 0;
  for (const char of invoiceId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${WAITING_PARTITIONS[kind]}#${hash % WAITING_SHARDS}`;
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
    return {
      ...InvoiceStore.data(invoice),
      pk: invoice.organizationId,
      sk: invoiceSk(invoice.id),
      kind: "invoice",
      gsi1pk: listPk(invoice.organizationId),
      gsi1sk: InvoiceStore.listSortKey(invoice),
      pendingEvents: new Set([pendingEvent]),
      ...(invoice.status === "draft"
        ? { duePk: waitingShard("draft", invoice.id), dueAt: draftSortKey(invoice) }
        : {}),
    };
  }

  /**
   * `SET` of every field of the invoice's own data (its key aside), of its place in the list, and
   * of its place in the drafts index (`waiting`: a draft's, else owing its change's event).
   */
  private static setFields(invoice: Invoice, waiting: { kind: WaitingKind; at: string }) {
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
    values[":duePk"] = waitingShard(waiting.kind, invoice.id);
    values[":dueAt"] = waiting.at;
    assignments.push("gsi1sk = :gsi1sk", "duePk = :duePk", "dueAt = :dueAt");
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
   * Saves a new invoice once, with the event it owes (`invoice.drafted` or `invoice.created`). A
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
        const toSave: Invoice = numbering
          ? { ...invoice, sequentialId: current + 1, number: numbering.format(current + 1) }
          : invoice;
        const event: InvoiceEvent = toSave.status === "draft" ? "invoice.drafted" : "invoice.created";
        const item = this.item(toSave, event);
        const put = { TableName: this.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" };
        try {
          // A draft takes no number: one conditional put, half a transaction's write units.
          if (!counterKey) await this.client.send(new PutCommand(put));
          else
            await this.client.send(
              new TransactWriteCommand({
                TransactItems: [{ Put: put }, this.counterStep(counterKey, current)],
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
        finalized = members.map((member, index) => member.numbered(current + 1 + index));
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              this.counterStep(counterKey, current, members.length),
              ...members.map((member, index) => ({
                Update: this.finalization(member.read, finalized[index] as Invoice),
              })),
            ],
          }),
        );
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) {
          for (const member of members) member.reject(error);
          return;
        }
        // A draft that moved is its caller's to read again; the others try again together.
        const moved = new Set(members.filter((_, index) => codes[index + 1] === "ConditionalCheckFailed"));
        for (const member of moved) member.resolve({ changed: false });
        members = members.filter((member) => !moved.has(member));
        if (moved.size === 0) await backoff(attempt);
        continue;
      }
      for (const [index, member] of members.entries()) {
        const invoice = finalized[index] as Invoice;
        const pendingEvents = this.owedAfter(member.read, "invoice.created");
        member.resolve({ changed: true, invoice: { ...invoice, pendingEvents } });
      }
      return;
    }
  }

  /** The update finalizing the draft `read` as `finalized`, conditional on it being the draft read. */
  private finalization(read: StoredInvoice, finalized: Invoice) {
    const set = InvoiceStore.setFields(finalized, { kind: "owing", at: finalized.updatedAt });
    const asRead = InvoiceStore.draftAsRead(read);
    return {
      TableName: this.table,
      Key: this.key(read.organizationId, read.id),
      UpdateExpression: `SET ${set.assignments.join(", ")} REMOVE readyToBeRefreshed ADD pendingEvents :created`,
      ConditionExpression: asRead.condition,
      ExpressionAttributeNames: { ...set.names, ...asRead.names },
      ExpressionAttributeValues: {
        ...set.values,
        ...asRead.values,
        ":created": new Set(["invoice.created"]),
      },
    };
  }

  private owedAfter(read: StoredInvoice, event: InvoiceEvent): ReadonlySet<InvoiceEvent> {
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
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(read.organizationId, read.id),
          UpdateExpression:
            "SET #status = :voided, voidedAt = :at, updatedAt = :at, duePk = :shard, dueAt = :at ADD pendingEvents :event",
          ConditionExpression: "#status = :finalized AND paymentStatus = :paymentStatus",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":voided": "voided",
            ":at": voided.voidedAt,
            ":shard": waitingShard("owing", read.id),
            ":event": new Set(["invoice.voided"]),
            ":finalized": "finalized",
            ":paymentStatus": read.paymentStatus,
          },
        }),
      );
      return {
        changed: true,
        invoice: { ...read, ...voided, pendingEvents: this.owedAfter(read, "invoice.voided") },
      };
    } catch (error) {
      if (isConditionFailure(error)) return { changed: false };
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
  async markEventPublished(organizationId: string, id: string, event: InvoiceEvent): Promise<void> {
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
    lastEvent?: InvoiceEvent,
  ): Promise<{ invoice: StoredInvoice; inDraftIndex: boolean } | undefined> {
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
   * when it has already left) nothing changes.
   */
  async leaveDraftIndex(organizationId: string, id: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(organizationId, id),
          UpdateExpression: "REMOVE duePk, dueAt",
          ConditionExpression:
            "attribute_exists(duePk) AND #status <> :draft AND attribute_not_exists(pendingEvents)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":draft": "draft" },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
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
