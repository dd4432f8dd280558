import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromJsonItem, type Item, toJsonItem } from "./attribute-json.js";
import { readSnapshot, SNAPSHOT_FILE, type SnapshotRecord, writeSnapshot } from "./snapshot-file.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "billing-snapshot-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const state = { apiKey: "key", organizationId: "org", clockNow: "2026-06-17T09:30:00.000Z" };

async function* of(records: SnapshotRecord[]): AsyncGenerator<SnapshotRecord> {
  yield* records;
}

async function readAll(): Promise<SnapshotRecord[]> {
  const reader = await readSnapshot(dir);
  if (!reader) throw new Error("no snapshot");
  const records: SnapshotRecord[] = [];
  for await (const record of reader.records()) records.push(record);
  return records;
}

describe("DynamoDB items as JSON", () => {
  it("keeps every attribute type losslessly, big numbers and binary included", () => {
    const item: Item = {
      pk: { S: "org#sub" },
      huge: { N: "1764547200000000000123.000000001" },
      flag: { BOOL: false },
      none: { NULL: true },
      tags: { SS: ["a", "b"] },
      nums: { NS: ["1", "2.5"] },
      blob: { B: new Uint8Array([0, 255, 7]) },
      blobs: { BS: [new Uint8Array([1]), new Uint8Array([])] },
      list: { L: [{ S: "x" }, { M: { inner: { N: "-0" } } }] },
      ["__proto__"]: { S: "an event property named __proto__" },
    };
    const back = fromJsonItem(JSON.parse(JSON.stringify(toJsonItem(item))));
    expect(back).toEqual(item);
    expect(Object.keys(back)).toContain("__proto__");
  });
});

describe("the snapshot file", () => {
  it("round-trips its header, items and messages", async () => {
    const records: SnapshotRecord[] = [
      {
        table: "billing",
        item: toJsonItem({ pk: { S: "a\ud800 lone surrogate" }, sk: { S: "line\nbreak" } }),
      },
      { queue: "events", deadLetter: true, message: { body: '{"unitId":"u"}' } },
    ];
    expect(await writeSnapshot(dir, state, of(records))).toEqual({ items: 1, messages: 1 });
    expect((await readSnapshot(dir))?.header).toMatchObject({ ...state, version: 1 });
    expect(await readAll()).toEqual(records);
    expect(await readdir(dir)).toEqual([SNAPSHOT_FILE]);
  });

  it("is absent in a new folder, and a failed write leaves the previous file whole", async () => {
    expect(await readSnapshot(dir)).toBeUndefined();
    await writeSnapshot(dir, state, of([{ table: "billing", item: { pk: { S: "kept" } } }]));
    async function* failing(): AsyncGenerator<SnapshotRecord> {
      yield { table: "billing", item: { pk: { S: "never" } } };
      throw new Error("the emulator went away");
    }
    await expect(writeSnapshot(dir, { ...state, apiKey: "other" }, failing())).rejects.toThrow("went away");
    expect((await readSnapshot(dir))?.header.apiKey).toBe("key");
    expect(await readAll()).toEqual([{ table: "billing", item: { pk: { S: "kept" } } }]);
    expect(await readdir(dir)).toEqual([SNAPSHOT_FILE]);
  });

  it("keeps the previous file when the commit check declines", async () => {
    await writeSnapshot(dir, state, of([]));
    const declined = await writeSnapshot(dir, { ...state, apiKey: "other" }, of([]), async () => false);
    expect(declined).toBeUndefined();
    expect((await readSnapshot(dir))?.header.apiKey).toBe("key");
    expect(await readdir(dir)).toEqual([SNAPSHOT_FILE]);
  });

  it("refuses a file cut short, or of an unknown version, rather than start clean over it", async () => {
    await writeSnapshot(dir, state, of([{ table: "billing", item: { pk: { S: "a" } } }]));
    const path = join(dir, SNAPSHOT_FILE);
    const whole = await readFile(path, "utf8");
    await writeFile(path, whole.split("\n").slice(0, 2).join("\n"));
    await expect(readAll()).rejects.toThrow(/cut short/);
    await writeFile(path, whole.replace('"version":1', '"version":99'));
    await expect(readSnapshot(dir)).rejects.toThrow(/version 99/);
  });
});
