/**
 * A message of events whose processing keeps failing (the usage table refuses writes after the
 * events are stored) lands in the dead-letter queue after the queue's receive limit and raises the
 * local alarm; once the fault is gone, the redrive puts it back and its events are aggregated exactly
 * once, although the failed attempts wrote part of the unit.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { Client } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../../infra/local/runtime.js";
import { resources } from "../../infra/wiring.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { eventsQueue, eventsTable, resourceName, usageTable } from "../../shared/src/platform/resources.js";

const CLOCK = "2026-06-17T09:30:00.000Z";
const PREFIX = "rd";
let runtime: LocalRuntime;
let lago: ReturnType<typeof Client>;
const lines: string[] = [];

/** The usage table's writes fail while `faulty`, all but the first one (so an attempt writes part). */
let faulty = false;
let usageWritesAllowed = 1;
let refusedWrites = 0;

function writesUsageTable(commandName: string | undefined, input: Record<string, unknown>): boolean {
  if (!/Put|Update|Delete|Transact|BatchWrite/.test(commandName ?? "")) return false;
  const table = resourceName(usageTable);
  if (input.TableName === table) return true;
  if (input.RequestItems && table in (input.RequestItems as object)) return true;
  return JSON.stringify(input.TransactItems ?? []).includes(`"TableName":"${table}"`);
}

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    clock: "manual",
    clockStart: CLOCK,
    retryDelaySeconds: 0,
    resourcePrefix: PREFIX,
    log: (line) => lines.push(line),
  });
  lago = Client(runtime.apiKey, { baseUrl: runtime.apiUrl });
  const stack = documentClient().middlewareStack as unknown as {
    add(middleware: unknown, options: object): void;
  };
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const input = (args as { input: Record<string, unknown> }).input;
        if (faulty && writesUsageTable(context.commandName, input)) {
          if (usageWritesAllowed > 0) usageWritesAllowed--;
          else {
            refusedWrites++;
            // Not retryable by the SDK: each delivery fails at once, as a persistent fault would.
            throw new Error("injected fault: the usage table refuses writes");
          }
        }
        return next(args);
      },
    { step: "initialize", name: "usage-fault", override: true },
  );

  const calls = await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Calls", code: "calls", aggregation_type: "count_agg" },
  });
  const bytes = await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Bytes", code: "bytes", aggregation_type: "sum_agg", field_name: "bytes" },
  });
  await lago.plans.createPlan({
    plan: {
      name: "Metered",
      code: "metered",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      pay_in_advance: false,
      charges: [calls, bytes].map((metric) => ({
        billable_metric_id: metric.data.billable_metric.lago_id,
        charge_model: "standard" as const,
        properties: { amount: "1" },
      })),
    },
  });
  await lago.customers.createCustomer({ customer: { external_id: "cus_rd", name: "Redriven" } });
  await lago.subscriptions.createSubscription({
    subscription: {
      external_customer_id: "cus_rd",
      plan_code: "metered",
      external_id: "sub_rd",
      subscription_at: "2026-06-01T00:00:00Z",
    },
  });
});
afterAll(() => runtime?.stop());

const control = async (path: string) => {
  const response = await fetch(`${runtime.url}${path}`, { method: "POST", body: "{}" });
  return (await response.json()) as Record<string, unknown>;
};

async function scan(tableEnvValue: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new ScanCommand({ TableName: tableEnvValue, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function until(check: () => boolean, what: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const usageOf = async () => {
  const usage = (
    await lago.customers.findCustomerCurrentUsage("cus_rd", { external_subscription_id: "sub_rd" })
  ).data.customer_usage;
  return Object.fromEntries(
    usage.charges_usage.map((charge) => [charge.billable_metric.code, [charge.units, charge.events_count]]),
  );
};

/** What a redrive reports: every queue of the wiring, none moved but those given. */
const redrivenCounts = (moved: Record<string, number>) =>
  Object.fromEntries(resources.queues.map((queue) => [queue.id, moved[queue.id] ?? 0]));

describe("a dead-lettered message of events", () => {
  const events = [
    ...Array.from({ length: 6 }, (_, i) => ({ transaction_id: `call-${i}`, code: "calls" })),
    ...[10, 20, 30, 40].map((n, i) => ({
      transaction_id: `bytes-${i}`,
      code: "bytes",
      properties: { bytes: n },
    })),
  ].map((event) => ({ ...event, external_subscription_id: "sub_rd" }));

  it("lands in the dead-letter queue after the receive limit and raises the alarm", async () => {
    faulty = true;
    await lago.events.createBatchEvents({ events });
    const alarm = new RegExp(`\\[alarm\\] dead-letter queue ${PREFIX}-${eventsQueue.id}-dlq holds 1 message`);
    await until(() => lines.some((line) => alarm.test(line)), "the dead-letter alarm");
    expect(lines.find((line) => alarm.test(line))).toContain("npm run redrive");
    // One receive per attempt, each refused at its first usage write but the very first.
    expect(refusedWrites).toBeGreaterThanOrEqual(eventsQueue.maxReceiveCount);

    // The failed attempts left part of the unit behind: its events and one usage delta.
    const stored = JSON.stringify(await scan(resourceName(eventsTable)));
    for (const event of events) expect(stored).toContain(event.transaction_id);
    const deltas = (await scan(resourceName(usageTable))).filter((item) => item.kind === "usage_delta");
    expect(deltas).toHaveLength(1);
  });

  it("is put back by the redrive once the fault is gone, and counted exactly once", async () => {
    faulty = false;
    expect(await control("/_local/redrive")).toEqual({
      redriven: redrivenCounts({ events: 1 }),
    });
    expect(await control("/_local/drain")).toEqual({ drained: true });
    expect(await usageOf()).toEqual({ calls: ["6.0", 6], bytes: ["100.0", 4] });
    expect(lines.some((line) => /\[redrive\] moved back to their queues: events 1/.test(line))).toBe(true);

    // Nothing is left to redrive, and a second redrive changes nothing.
    expect(await control("/_local/redrive")).toEqual({
      redriven: redrivenCounts({}),
    });
    expect(await control("/_local/drain")).toEqual({ drained: true });
    expect(await usageOf()).toEqual({ calls: ["6.0", 6], bytes: ["100.0", 4] });
  });
});
