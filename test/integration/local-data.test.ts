/**
 * The local runtime's data folder, in process: a message in a dead-letter queue is kept across a
 * restart (and raises the alarm again at start, ready to be redriven), a damaged data file stops the
 * start without being overwritten, and the folder is used only with the embedded moto_server.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalRuntime, LocalRuntimeOptions } from "../../infra/local/runtime.js";
import { resources } from "../../infra/wiring.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "billing-local-data-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * Each start in a fresh module graph, as a new `npm start` process would be: handlers keep their
 * AWS clients, which must not point at the previous run's (stopped) moto_server.
 */
async function start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  vi.resetModules();
  const { startLocalRuntime } = await import("../../infra/local/runtime.js");
  return startLocalRuntime({
    port: 0,
    clock: "manual",
    retryDelaySeconds: 0,
    resourcePrefix: "ld",
    ...options,
  });
}

describe("the data folder", () => {
  it("keeps dead-lettered messages across a restart, where the alarm and the redrive find them", async () => {
    const firstLog: string[] = [];
    const first = await start({
      dataDir: dir,
      clockStart: "2026-06-17T09:30:00Z",
      log: (line) => firstLog.push(line),
    });
    const sqs = new SQSClient({});
    await sqs.send(
      new SendMessageCommand({ QueueUrl: process.env.EVENTS_QUEUE_URL, MessageBody: '{"poison": true}' }),
    );
    const deadline = Date.now() + 30_000;
    while (
      !firstLog.some((line) => line.startsWith("[alarm] dead-letter queue ld-events-dlq holds 1 message"))
    ) {
      if (Date.now() > deadline) throw new Error(`no alarm:\n${firstLog.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    sqs.destroy();
    expect(await first.stop()).toMatchObject({ messages: 1 });
    const saved = await readFile(join(dir, "snapshot.jsonl"), "utf8");
    expect(saved).toContain('{"queue":"events","deadLetter":true,"message":{"body":"{\\"poison\\": true}"}}');

    const secondLog: string[] = [];
    const second = await start({ dataDir: dir, log: (line) => secondLog.push(line) });
    try {
      expect(second.apiKey).toBe(first.apiKey);
      expect(second.organizationId).toBe(first.organizationId);
      expect(second.restored).toMatchObject({ messages: 1, skipped: 0 });
      expect(
        secondLog.some((line) => line.startsWith("[alarm] dead-letter queue ld-events-dlq holds 1")),
      ).toBe(true);
      // Body unchanged: still poison, so after the redrive it fails again and lands back, alarming again.
      // Every other queue's dead letters are empty: only the poison event moves.
      const redriven = await second.redrive();
      expect(redriven.events).toBe(1);
      expect(Object.entries(redriven).filter(([id, moved]) => id !== "events" && moved !== 0)).toEqual([]);
      expect(Object.keys(redriven).sort()).toEqual(resources.queues.map((queue) => queue.id).sort());
      const again = Date.now() + 30_000;
      while (secondLog.filter((line) => line.startsWith("[alarm]")).length < 2) {
        if (Date.now() > again) throw new Error(`no second alarm:\n${secondLog.join("\n")}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await second.stop();
    }
  });

  it("refuses to start on a damaged data file, and leaves it as it was", async () => {
    const path = join(dir, "snapshot.jsonl");
    const whole = await readFile(path, "utf8");
    const cut = whole.slice(0, whole.lastIndexOf('{"end"'));
    await writeFile(path, cut);
    await expect(start({ dataDir: dir, log: () => undefined })).rejects.toThrow(
      /cut short.*BILLING_DATA_DIR/s,
    );
    expect(await readFile(path, "utf8")).toBe(cut);
    // The failed start released the folder: a good file starts again.
    await writeFile(path, whole);
    const runtime = await start({ dataDir: dir, log: () => undefined });
    await runtime.stop();
  });

  it("is not used with an external emulator, which keeps its own state", async () => {
    await expect(start({ dataDir: dir, awsEndpoint: "http://127.0.0.1:1" })).rejects.toThrow(
      /only with the embedded moto_server/,
    );
  });
});
