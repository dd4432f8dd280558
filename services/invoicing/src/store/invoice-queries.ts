/**
 * Invoice and fee lists read from the list indexes (invoice-list-index.ts, docs/invoice-lists.md).
 *
 * Cost model (DynamoDB bills a query by the bytes it reads, in 4 KB units, before any filter):
 * - the filters the keys hold (customer, statuses, payment statuses, issuing dates) choose the
 *   partitions and the sort key range: one Query per (status, payment status) asked, merged by
 *   sort key (a k-way merge that reads each partition in small, growing chunks, only as far as
 *   the page needs);
 * - `total_count` with those filters only is a `Select: COUNT` per partition: it reads the
 *   matching index entries (~250 B each, about 16 per 4 KB), never an invoice;
 * - the rarer filters (currency, type, amounts, overdue, partially paid, search, metadata) are
 *   tested on every entry of the chosen partitions: their projection holds what they read, so
 *   the cost is the entries' bytes, not the invoices'. Tested here rather than by a
 *   FilterExpression: DynamoDB bills the same bytes either way, and a search is case-insensitive;
 * - then the page's invoices, and only them, are read whole (BatchGet).
 *
 * So page 1 of 20 among 2,000 invoices reads ~20–40 small entries, 2,000 entries counted by
 * COUNT (~30 read units), and 20 invoices; page n reads n × 20 entries to skip to it.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import type { InvoiceStatus, PaymentStatus } from "#shared/domain/invoice.js";
import type { InvoiceListEntry } from "#shared/domain/invoices/invoice-list-filters.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { invoiceItemKey } from "#shared/store/invoice-keys.js";
import { joinKey, withoutStorageAttributes } from "#shared/store/keys.js";
import { advanceFeeSk, isAdvanceFeeItem, recordOf } from "../advance-charges/advance-fee-store.js";
import { standaloneHolder } from "../advance-charges/serialize-advance-fee.js";
import {
  customerListPartition,
  feeListPartition,
  invoiceListPartition,
  listSortRange,
} from "./invoice-list-index.js";
import type { StoredInvoice } from "./invoice-store.js";

type Item = Record<string, unknown>;

export interface InvoiceListRequest {
  readonly organizationId: string;
  readonly externalCustomerId?: string;
  readonly statuses: readonly InvoiceStatus[];
  readonly paymentStatuses: readonly PaymentStatus[];
  readonly issuingDateFrom?: string;
  readonly issuingDateTo?: string;
  /** Tested on each entry; absent when the keys answer alone (the count is then a COUNT). */
  readonly test?: (entry: InvoiceListEntry) => boolean;
  readonly offset: number;
  readonly limit: number;
}

export interface ListPage<T> {
  readonly total: number;
  readonly items: readonly T[];
}

/** A fee's invoice's fee-list entry: what fee filters read. */
export interface FeeListEntry {
  readonly invoiceId: string;
  readonly createdAt: string;
  readonly externalCustomerId: string;
  readonly externalSubscriptionId: string;
  readonly currency: string;
  readonly paymentStatus: string;
  /** `type|metric code` of each fee, in the fees' list order. */
  readonly feeKeys: readonly string[];
}

export interface FeeListRequest {
  readonly organizationId: string;
  readonly createdAtFrom?: string;
  readonly createdAtTo?: string;
  /** Positions (in list order) of the entry's fees that pass the filters. */
  readonly select: (entry: FeeListEntry) => readonly number[];
  readonly offset: number;
  readonly limit: number;
}

/** One partition of an index, read in chunks from its newest (or oldest) sort key. */
class Cursor {
  private buffer: Item[] = [];
  private start: Item | undefined;
  private done = false;
  private chunk: number;

  constructor(
    private readonly read: (
      limit: number,
      start: Item | undefined,
    ) => Promise<{ items: Item[]; next?: Item }>,
    firstChunk: number,
  ) {
    this.chunk = firstChunk;
  }

  async peek(): Promise<Item | undefined> {
    while (this.buffer.length === 0 && !this.done) {
      const { items, next } = await this.read(this.chunk, this.start);
      this.buffer = items;
      this.start = next;
      this.done = next === undefined;
      this.chunk = Math.min(this.chunk * 2, 1000);
    }
    return this.buffer[0];
  }

  shift(): Item | undefined {
    return this.buffer.shift();
  }
}

export class InvoiceQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  /** One page of invoices, newest issuing date first, and how many match in all. */
  async listInvoices(request: InvoiceListRequest): Promise<ListPage<StoredInvoice>> {
    const partitions = this.invoicePartitions(request);
    if (partitions.queries.length === 0) return { total: 0, items: [] };
    const need = request.offset + request.limit;
    let total: number;
    let page: Item[];
    if (request.test) {
      // The rarer filters: every entry of the partitions is tested (their bytes, not invoices').
      const test = request.test;
      const entries = (await Promise.all(partitions.queries.map((query) => this.queryAll(query)))).flat();
      const kept = entries.filter((entry) => test(entry as unknown as InvoiceListEntry));
      kept.sort((a, b) => compareDescending(String(a.listSk), String(b.listSk)));
      total = kept.length;
      page = kept.slice(request.offset, need);
    } else {
      const [counted, merged] = await Promise.all([
        Promise.all(partitions.queries.map((query) => this.count(query))),
        this.mergeDescending(partitions.queries, need),
      ]);
      total = counted.reduce((sum, count) => sum + count, 0);
      page = merged.slice(request.offset, need);
    }
    return { total, items: await this.invoicesOf(page) };
  }

  /**
   * One page of fees, oldest invoice first and each invoice's fees by id, with how many match:
   * every fee-list entry of the organization (in the creation range) is read, then only the
   * invoices holding the page's fees.
   */
  async listFees(request: FeeListRequest): Promise<ListPage<{ invoice: StoredInvoice; position: number }>> {
    const range = keyRange(
      "feeListSk",
      request.createdAtFrom,
      request.createdAtTo && `${request.createdAtTo}#\uffff`,
    );
    if (range.empty) return { total: 0, items: [] };
    const entries = await this.queryAll({
      TableName: this.table,
      IndexName: "feeLists",
      KeyConditionExpression: `feeListPk = :pk${range.condition}`,
      ExpressionAttributeValues: { ":pk": feeListPartition(request.organizationId), ...range.values },
    });
    let total = 0;
    const wanted: { entry: Item; positions: number[] }[] = [];
    const end = request.offset + request.limit;
    for (const item of entries) {
      const sortKey = String(item.feeListSk);
      const entry: FeeListEntry = {
        invoiceId: sortKey.slice(sortKey.indexOf("#") + 1),
        createdAt: sortKey.slice(0, sortKey.indexOf("#")),
        externalCustomerId: String(item.externalCustomerId),
        externalSubscriptionId: String(item.externalSubscriptionId),
        currency: String(item.currency),
        paymentStatus: String(item.paymentStatus),
        feeKeys: (item.feeKeys as string[] | undefined) ?? [],
      };
      const positions = request.select(entry);
      const onPage = positions.filter((_, index) => total + index >= request.offset && total + index < end);
      if (onPage.length > 0) wanted.push({ entry: item, positions: onPage });
      total += positions.length;
    }
    const invoices = await this.invoicesOf(wanted.map(({ entry }) => entry));
    const byId = new Map(invoices.map((invoice) => [invoice.id, invoice]));
    const items = wanted.flatMap(({ entry, positions }) => {
      const sortKey = String(entry.feeListSk);
      const invoice = byId.get(sortKey.slice(sortKey.indexOf("#") + 1));
      return invoice ? positions.map((position) => ({ invoice, position })) : [];
    });
    return { total, items };
  }

  /**
   * A standalone pay-in-advance fee (no invoice) by id, held by its stand-in invoice; once
   * regrouped on an `advance_charges` invoice, that invoice.
   */
  async standaloneFee(organizationId: string, feeId: string): Promise<StoredInvoice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: organizationId, sk: advanceFeeSk(feeId) },
        ConsistentRead: true,
      }),
    );
    // A discarded fee (`DELETE /fees/{id}`) is no longer served.
    if (!Item || Item.deletedAt !== undefined) return undefined;
    const record = recordOf(Item);
    if (record.invoiceId !== null && record.invoice === null) {
      const [invoice] = await this.invoicesOf([invoiceItemKey(organizationId, record.invoiceId)]);
      if (invoice?.fees.some((fee) => fee.id === feeId)) return invoice;
    }
    return standaloneHolder(record);
  }

  /**
   * The invoices whose id starts with `prefix` (a fee's id carries its invoice's first 20 hex
   * digits): one query of the organization's own invoice keys, no index.
   */
  async invoicesWithIdPrefix(organizationId: string, prefix: string): Promise<StoredInvoice[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": organizationId, ":prefix": joinKey("invoice", prefix) },
    });
    return items.map((item) => withoutStorageAttributes<StoredInvoice>(item));
  }

  private invoicePartitions(request: InvoiceListRequest) {
    const bounds = listSortRange(request.issuingDateFrom, request.issuingDateTo);
    const range = keyRange("listSk", bounds.from, bounds.to);
    const customer = request.externalCustomerId;
    if (range.empty) return { queries: [] };
    const queries = request.statuses.flatMap((status) =>
      request.paymentStatuses.map((paymentStatus) => ({
        TableName: this.table,
        IndexName: customer === undefined ? "invoiceLists" : "customerInvoiceLists",
        KeyConditionExpression: `#pk = :pk${range.condition}`,
        ExpressionAttributeNames: { "#pk": customer === undefined ? "listPk" : "customerListPk" },
        ExpressionAttributeValues: {
          ":pk":
            customer === undefined
              ? invoiceListPartition(request.organizationId, status, paymentStatus)
              : customerListPartition(request.organizationId, customer, status, paymentStatus),
          ...range.values,
        },
        ScanIndexForward: false,
      })),
    );
    return { queries };
  }

  /** The first `need` entries of the partitions, newest first, reading each only as far as needed. */
  private async mergeDescending(queries: readonly QueryInput[], need: number): Promise<Item[]> {
    if (need === 0) return [];
    const firstChunk = Math.max(5, Math.ceil(need / queries.length) + 1);
    const cursors = queries.map(
      (query) =>
        new Cursor(async (limit, start) => {
          const page = await this.client.send(
            new QueryCommand({ ...query, Limit: Math.min(limit, need), ExclusiveStartKey: start }),
          );
          return { items: (page.Items ?? []) as Item[], next: page.LastEvaluatedKey as Item | undefined };
        }, firstChunk),
    );
    const merged: Item[] = [];
    while (merged.length < need) {
      const heads = await Promise.all(cursors.map((cursor) => cursor.peek()));
      let best = -1;
      for (const [index, head] of heads.entries()) {
        if (!head) continue;
        const bestHead = best >= 0 ? heads[best] : undefined;
        if (!bestHead || compareDescending(String(head.listSk), String(bestHead.listSk)) < 0) best = index;
      }
      if (best < 0) break;
      merged.push(cursors[best]?.shift() as Item);
    }
    return merged;
  }

  private async count(query: QueryInput): Promise<number> {
    let count = 0;
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...query, Select: "COUNT", ExclusiveStartKey: start }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as Item | undefined;
    } while (start);
    return count;
  }

  private async queryAll(query: QueryInput): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey as Item | undefined;
    } while (start);
    return items;
  }

  /** The whole invoices of index entries, in the entries' order (100 keys a BatchGet). */
  private async invoicesOf(entries: readonly Item[]): Promise<StoredInvoice[]> {
    const keys = [
      ...new Map(entries.map((entry) => [String(entry.sk), { pk: entry.pk, sk: entry.sk }])).values(),
    ];
    const found = new Map<string, StoredInvoice>();
    for (let index = 0; index < keys.length; index += 100) {
      let pending: Item[] = keys.slice(index, index + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
        const answer = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }),
        );
        for (const item of answer.Responses?.[this.table] ?? [])
          found.set(
            String(item.sk),
            // A standalone pay-in-advance fee is listed with the invoices' fees, held by a stand-in.
            isAdvanceFeeItem(item.sk)
              ? standaloneHolder(recordOf(item))
              : withoutStorageAttributes<StoredInvoice>(item),
          );
        pending = (answer.UnprocessedKeys?.[this.table]?.Keys ?? []) as Item[];
      }
    }
    return entries.flatMap((entry) => {
      const invoice = found.get(String(entry.sk));
      return invoice ? [invoice] : [];
    });
  }
}

type QueryInput = ConstructorParameters<typeof QueryCommand>[0];

const compareDescending = (a: string, b: string) => (a > b ? -1 : a < b ? 1 : 0);

/** The sort key condition of a range (either end open), to append to a partition's condition. */
function keyRange(
  attribute: string,
  from: string | undefined,
  to: string | undefined,
): { condition: string; values: Record<string, string>; empty?: true } {
  // DynamoDB refuses a BETWEEN whose bounds are reversed: such a range holds nothing.
  if (from !== undefined && to !== undefined && from > to) return { condition: "", values: {}, empty: true };
  if (from !== undefined && to !== undefined)
    return { condition: ` AND ${attribute} BETWEEN :from AND :to`, values: { ":from": from, ":to": to } };
  if (from !== undefined) return { condition: ` AND ${attribute} >= :from`, values: { ":from": from } };
  if (to !== undefined) return { condition: ` AND ${attribute} <= :to`, values: { ":to": to } };
  return { condition: "", values: {} };
}
