/**
 * The local runtime's data file, `snapshot.jsonl` in the data folder: one JSON object per line, so
 * it is written and read as a stream whatever its size, and stays readable with `head` and `jq`.
 *
 *   {"format":"serverless-billing-local-data","version":1,...}    header: key, organization, clock
 *   {"table":"billing","item":{"pk":{"S":"..."},...}}              one line per DynamoDB item
 *   {"queue":"events","deadLetter":true,"message":{"body":"..."}}  one line per queued message
 *   {"end":{"items":1234,"messages":0}}                            trailer: the file is whole
 *
 * Written to a temporary file, flushed to disk, then renamed over the previous one: a crash while
 * writing leaves the previous file intact, never a half-written one in its place.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { JsonItem } from "./attribute-json.js";
import type { QueuedMessage } from "./queue-messages.js";

export const SNAPSHOT_FILE = "snapshot.jsonl";
const FORMAT = "serverless-billing-local-data";
const VERSION = 1;

export interface SnapshotState {
  /** The default organization's API key, so a restart prints the same one. */
  readonly apiKey: string;
  readonly organizationId: string;
  /** The runtime clock's instant when written: a manual clock resumes there. */
  readonly clockNow: string;
}

export interface SnapshotHeader extends SnapshotState {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  /** Wall-clock time of the write, for people reading the file. */
  readonly writtenAt: string;
}

export type SnapshotRecord =
  | { readonly table: string; readonly item: JsonItem }
  | { readonly queue: string; readonly deadLetter: boolean; readonly message: QueuedMessage };

export interface SnapshotCounts {
  readonly items: number;
  readonly messages: number;
}

export class SnapshotFileError extends Error {
  constructor(path: string, problem: string) {
    super(
      `${path}: ${problem}. The local data was left as it is; to start clean, move the data folder ` +
        "away (or point BILLING_DATA_DIR at a new folder).",
    );
    this.name = "SnapshotFileError";
  }
}

const FLUSH_BYTES = 1 << 20;

/**
 * Writes the whole snapshot atomically; returns what it holds. `commitIf`, asked once everything is
 * written, may still keep the previous file instead (undefined is then returned).
 */
export async function writeSnapshot(
  dir: string,
  state: SnapshotState,
  records: AsyncIterable<SnapshotRecord>,
  commitIf: () => Promise<boolean> = async () => true,
): Promise<SnapshotCounts | undefined> {
  const target = join(dir, SNAPSHOT_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  const file = await open(temporary, "w", 0o600);
  let renamed = false;
  try {
    let buffer: string[] = [];
    let buffered = 0;
    const flush = async (handle: FileHandle) => {
      if (buffer.length === 0) return;
      const chunk = buffer.join("");
      buffer = [];
      buffered = 0;
      await handle.write(chunk);
    };
    const line = async (value: unknown) => {
      const text = `${JSON.stringify(value)}\n`;
      buffer.push(text);
      buffered += text.length;
      if (buffered >= FLUSH_BYTES) await flush(file);
    };
    const header: SnapshotHeader = {
      format: FORMAT,
      version: VERSION,
      writtenAt: new Date().toISOString(),
      ...state,
    };
    await line(header);
    let items = 0;
    let messages = 0;
    for await (const record of records) {
      if ("table" in record) items++;
      else messages++;
      await line(record);
    }
    await line({ end: { items, messages } });
    await flush(file);
    await file.sync();
    await file.close();
    if (!(await commitIf())) return undefined;
    await rename(temporary, target);
    renamed = true;
    await syncDirectory(dir);
    return { items, messages };
  } finally {
    if (!renamed) {
      await file.close().catch(() => undefined);
      await rm(temporary, { force: true });
    }
  }
}

/** Makes the rename itself durable (best effort: not every file system lets a directory be synced). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // the rename is still atomic, only possibly not yet on disk
  }
}

export interface SnapshotReader {
  readonly header: SnapshotHeader;
  /** The records in file order; throws at the end if the file is not whole. */
  records(): AsyncGenerator<SnapshotRecord>;
}

function isRecord(value: unknown): value is SnapshotRecord {
  if (!value || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  if (typeof record.table === "string") return Boolean(record.item) && typeof record.item === "object";
  if (typeof record.queue === "string") {
    const message = record.message as Record<string, unknown> | undefined;
    return typeof record.deadLetter === "boolean" && typeof message?.body === "string";
  }
  return false;
}

/** The snapshot in `dir`, or undefined when there is none (a new or empty folder starts clean). */
export async function readSnapshot(dir: string): Promise<SnapshotReader | undefined> {
  const path = join(dir, SNAPSHOT_FILE);
  let lines: AsyncIterator<string>;
  try {
    const stream = createReadStream(path, { encoding: "utf8" });
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", reject);
    });
    lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parse = (text: string, lineNumber: number): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new SnapshotFileError(path, `line ${lineNumber} is not JSON`);
    }
  };
  const first = await lines.next();
  if (first.done) throw new SnapshotFileError(path, "the file is empty");
  const header = parse(first.value, 1) as Partial<SnapshotHeader>;
  if (header.format !== FORMAT) throw new SnapshotFileError(path, "this is not a local billing data file");
  if (header.version !== VERSION)
    throw new SnapshotFileError(path, `data format version ${header.version} is not known to this version`);
  if (typeof header.apiKey !== "string" || typeof header.clockNow !== "string")
    throw new SnapshotFileError(path, "the header lacks the API key or the clock");
  return {
    header: header as SnapshotHeader,
    async *records() {
      let lineNumber = 1;
      let items = 0;
      let messages = 0;
      for (;;) {
        const next = await lines.next();
        if (next.done) break;
        lineNumber++;
        const value = parse(next.value, lineNumber) as Record<string, unknown>;
        if ("end" in value) {
          const end = value.end as Partial<SnapshotCounts>;
          if (end.items !== items || end.messages !== messages)
            throw new SnapshotFileError(path, "the trailer's counts do not match the file");
          return;
        }
        if (!isRecord(value)) throw new SnapshotFileError(path, `line ${lineNumber} is not a record`);
        if ("table" in value) items++;
        else messages++;
        yield value;
      }
      throw new SnapshotFileError(path, "the file ends before its trailer (it was cut short)");
    },
  };
}
