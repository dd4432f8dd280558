/**
 * Keeps the embedded moto_server's state in the data folder: moto holds everything in memory, so
 * the runtime dumps the tables (and whatever messages are still queued) into `snapshot.jsonl` and
 * loads them back into a fresh moto_server at the next start, before the API listens.
 *
 * A snapshot is written when the runtime stops (after the queues are drained), once at start when
 * a new default organization was made, and, while running, every so often when something changed
 * and the runtime is quiet (see PeriodicSnapshots).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { fromJsonItem, toJsonItem } from "./attribute-json.js";
import { scanTable, TableWriter } from "./persist-tables.js";
import type { ProvisionedQueue } from "./provision.js";
import { type QueuedMessage, readAllMessages, sendMessages } from "./queue-messages.js";
import {
  type SnapshotCounts,
  type SnapshotReader,
  type SnapshotRecord,
  type SnapshotState,
  writeSnapshot,
} from "./snapshot-file.js";

export interface PersistedResources {
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  /** Tables by their wiring id (the file names tables by id, so a resource prefix can change). */
  readonly tables: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly queues: readonly ProvisionedQueue[];
}

export interface RestoreSummary extends SnapshotCounts {
  /** Records for tables or queues the wiring no longer has. */
  readonly skipped: number;
}

/** Loads a snapshot into freshly provisioned (empty) resources. */
export async function restoreData(
  snapshot: SnapshotReader,
  resources: PersistedResources,
): Promise<RestoreSummary> {
  const tables = new Map(resources.tables.map((table) => [table.id, table.name]));
  const queues = new Map(resources.queues.map((queue) => [queue.spec.id, queue]));
  const writer = new TableWriter(resources.dynamo);
  const messages = new Map<string, QueuedMessage[]>();
  let skipped = 0;
  let messageCount = 0;
  for await (const record of snapshot.records()) {
    if ("table" in record) {
      const name = tables.get(record.table);
      if (name) await writer.put(name, fromJsonItem(record.item));
      else skipped++;
      continue;
    }
    const queue = queues.get(record.queue);
    if (!queue) {
      skipped++;
      continue;
    }
    const url = record.deadLetter ? queue.deadLetterUrl : queue.url;
    const list = messages.get(url) ?? [];
    list.push(record.message);
    messages.set(url, list);
    messageCount++;
  }
  await writer.flush();
  // Messages after items: a restored job or event finds the catalog it refers to.
  for (const [url, list] of messages) await sendMessages(resources.sqs, url, list);
  return { items: writer.written, messages: messageCount, skipped };
}

export interface SaveOptions {
  /**
   * The consumers are stopped: messages still in the source queues are kept too. Otherwise only the
   * dead-letter queues are read (the source queues are empty when a periodic snapshot is taken).
   */
  readonly includeSourceQueues: boolean;
  readonly signal?: AbortSignal;
  readonly commitIf?: () => Promise<boolean>;
  readonly log: (line: string) => void;
}

/** Writes a snapshot of every table and queued message; undefined when `commitIf` declined it. */
export async function saveData(
  dir: string,
  state: SnapshotState,
  resources: PersistedResources,
  options: SaveOptions,
): Promise<SnapshotCounts | undefined> {
  const { dynamo, sqs } = resources;
  async function* records(): AsyncGenerator<SnapshotRecord> {
    for (const table of resources.tables) {
      for await (const item of scanTable(dynamo, table.name)) {
        options.signal?.throwIfAborted();
        yield { table: table.id, item: toJsonItem(item) };
      }
    }
    for (const queue of resources.queues) {
      const sources = options.includeSourceQueues
        ? ([
            [queue.url, false],
            [queue.deadLetterUrl, true],
          ] as const)
        : ([[queue.deadLetterUrl, true]] as const);
      for (const [url, deadLetter] of sources) {
        // Source queue first: reading it may move a message that used up its receives to the DLQ.
        const read = await readAllMessages(sqs, url, { release: true, timeoutMs: 5000 });
        if (read.unread > 0)
          options.log(`[data] ${read.unread} message(s) of ${url} were in flight and could not be saved`);
        for (const message of read.messages) yield { queue: queue.spec.id, deadLetter, message };
      }
    }
  }
  return writeSnapshot(dir, state, records(), options.commitIf);
}

export interface PeriodicSnapshotOptions {
  readonly everyMs: number;
  /** Changes whenever anything that may write starts or finishes. */
  readonly fingerprint: () => string;
  /** Nothing in flight and every source queue empty: the tables hold one consistent state. */
  readonly quiet: () => Promise<boolean>;
  readonly save: (options: {
    signal: AbortSignal;
    commitIf: () => Promise<boolean>;
  }) => Promise<SnapshotCounts | undefined>;
  readonly log: (line: string) => void;
  /** Milliseconds now, for the spacing of snapshots (the wall clock unless a test sets one). */
  readonly nowMs?: () => number;
}

/**
 * Snapshots while running, so that a crash (SIGKILL, a closed laptop lid that never wakes) loses
 * only what changed since the last one. Kept cheap: a look every `everyMs` costs two queue-attribute
 * calls, and a snapshot is taken only when something changed since the last one, only at a quiet
 * moment, and never more often than ten times its own duration (moto scans ~0.6 ms per item), so
 * it takes at most about a tenth of the time. A snapshot during which anything started is thrown
 * away: what it read may mix states.
 */
export class PeriodicSnapshots {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly abort = new AbortController();
  private saved: string;
  private notBefore = 0;

  constructor(private readonly options: PeriodicSnapshotOptions) {
    this.saved = options.fingerprint();
  }

  /** Tells it that a snapshot of the current state was just written by someone else (the stop). */
  markSaved(): void {
    this.saved = this.options.fingerprint();
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.attempt().finally(() => (this.running = undefined));
    }, this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.running;
  }

  /** One try; true if a snapshot was written. */
  async attempt(): Promise<boolean> {
    const { fingerprint, quiet, save, log } = this.options;
    const nowMs = this.options.nowMs ?? Date.now;
    if (nowMs() < this.notBefore || this.abort.signal.aborted) return false;
    const before = fingerprint();
    if (before === this.saved || !(await quiet())) return false;
    const startedAt = nowMs();
    try {
      const written = await save({
        signal: this.abort.signal,
        commitIf: async () => fingerprint() === before && (await quiet()),
      });
      if (!written) return false;
      this.saved = before;
      return true;
    } catch (error) {
      if (!this.abort.signal.aborted) log(`[data] periodic snapshot failed: ${(error as Error).message}`);
      return false;
    } finally {
      const endedAt = nowMs();
      this.notBefore = endedAt + 10 * (endedAt - startedAt);
    }
  }
}
