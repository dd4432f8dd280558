/**
 * `npm start` keeps its data across restarts: what a run accepted before SIGTERM or Ctrl-C (an
 * invoice billed by a tick, events sent just before the stop) is read back through Lago's client
 * after the next start on the same data folder, with the same API key and the manual clock where
 * it stood. A crash (SIGKILL) loses only what came after the last periodic snapshot.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "lago-javascript-client";
import { afterAll, describe, expect, it } from "vitest";
import { CONTRACT_CLOCK_START, daysFrom, utcMonthStart } from "../support/lago.js";
import { bannerField, cleanUpNpmRuns, dataFolder, type NpmStartRun, startNpm } from "../support/npm-start.js";

afterAll(cleanUpNpmRuns);

interface Started {
  readonly run: NpmStartRun;
  readonly banner: string;
  readonly apiKey: string;
  readonly lago: ReturnType<typeof Client>;
  control(path: string, body?: unknown): Promise<Record<string, unknown>>;
}

async function start(env: Record<string, string>): Promise<Started> {
  const run = startNpm({ PORT: "0", BILLING_CLOCK: "manual", ...env });
  const banner = await run.banner();
  const api = bannerField(banner, /API:\s+(\S+)/);
  const apiKey = bannerField(banner, /API key:\s+(\S+)/);
  return {
    run,
    banner,
    apiKey,
    lago: Client(apiKey, { baseUrl: api }),
    control: async (path, body = {}) => {
      const response = await fetch(new URL(path, api), { method: "POST", body: JSON.stringify(body) });
      return (await response.json()) as Record<string, unknown>;
    },
  };
}

async function stop(started: Started, signal: NodeJS.Signals, target: "npm" | "group"): Promise<void> {
  started.run.signal(signal, target);
  await started.run.exited;
  // npm may exit first: the runtime has finished writing only once its whole group is gone.
  expect(await started.run.gone()).toBe(true);
  expect(started.run.output()).toMatch(/Saved \d+ items to /);
}

const clockOf = (banner: string) => bannerField(banner, /manual, at (\S+):/);
const organizationOf = (banner: string) => bannerField(banner, /\(organization ([0-9a-f-]+)\)/);

describe("npm start restarted on the same data folder", () => {
  const periodStart = utcMonthStart(CONTRACT_CLOCK_START);
  const nextPeriod = utcMonthStart(CONTRACT_CLOCK_START, 1);
  // The tick that bills the first period; the clock then stands in the next one.
  const tickAt = daysFrom(nextPeriod, 1 / 24);
  let dir: string;
  let first: Started;
  let invoice: Record<string, unknown>;

  const events = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      transaction_id: `call-${from + i}`,
      external_subscription_id: "acme-main",
      code: "api_calls",
    }));
  const usage = async (lago: ReturnType<typeof Client>) =>
    (await lago.customers.findCustomerCurrentUsage("acme", { external_subscription_id: "acme-main" })).data
      .customer_usage;

  it("bills a period, then takes events and stops on SIGTERM without draining them first", async () => {
    dir = await dataFolder();
    first = await start({ BILLING_CLOCK_START: CONTRACT_CLOCK_START, BILLING_DATA_DIR: dir });
    const { lago } = first;
    const metric = await lago.billableMetrics.createBillableMetric({
      billable_metric: { name: "API calls", code: "api_calls", aggregation_type: "count_agg" },
    });
    await lago.plans.createPlan({
      plan: {
        name: "Startup",
        code: "startup",
        interval: "monthly",
        amount_cents: 1000,
        amount_currency: "USD",
        pay_in_advance: false,
        charges: [
          {
            billable_metric_id: metric.data.billable_metric.lago_id,
            charge_model: "standard",
            properties: { amount: "0.05" },
          },
        ],
      },
    });
    await lago.customers.createCustomer({ customer: { external_id: "acme", name: "Acme", currency: "USD" } });
    await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "acme",
        plan_code: "startup",
        external_id: "acme-main",
        subscription_at: periodStart,
      },
    });
    await lago.events.createBatchEvents({ events: events(0, 3) });
    expect(await first.control("/_local/tick", { now: tickAt })).toMatchObject({ drained: true });
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "acme" })).data.invoices;
    expect(invoices).toHaveLength(1);
    invoice = invoices[0] as unknown as Record<string, unknown>;
    // 10.00 base fee and 3 calls × 0.05.
    expect(invoice).toMatchObject({ status: "finalized", fees_amount_cents: 1015 });

    // Accepted just before the stop, still in the queue when SIGTERM comes: the stop drains it.
    await lago.events.createBatchEvents({ events: events(3, 7) });
    await stop(first, "SIGTERM", "npm");
    const header = JSON.parse((await readFile(join(dir, "snapshot.jsonl"), "utf8")).split("\n")[0] as string);
    expect(header).toMatchObject({ apiKey: first.apiKey, organizationId: organizationOf(first.banner) });
  });

  it("prints the same key and reads back the invoice and the usage, the clock where it stood", async () => {
    const second = await start({ BILLING_DATA_DIR: dir });
    expect(second.apiKey).toBe(first.apiKey);
    expect(organizationOf(second.banner)).toBe(organizationOf(first.banner));
    expect(second.banner).toMatch(/Data: .*\(restored \d+ items/);
    // Resumed where the first run's clock stood: after the tick, a few requests' milliseconds later.
    const resumed = Date.parse(clockOf(second.banner));
    expect(resumed).toBeGreaterThan(Date.parse(tickAt));
    expect(resumed).toBeLessThan(Date.parse(tickAt) + 1000);

    const { lago } = second;
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "acme" })).data.invoices;
    expect(invoices).toEqual([invoice]);
    const current = await usage(lago);
    expect(current).toMatchObject({ from_datetime: nextPeriod, amount_cents: 35 });
    expect(current.charges_usage[0]).toMatchObject({ units: "7.0", events_count: 7 });

    // Ctrl-C this time (SIGINT to the whole group), with two more events in flight.
    await lago.events.createBatchEvents({ events: events(10, 2) });
    await stop(second, "SIGINT", "group");

    const third = await start({ BILLING_DATA_DIR: dir, BILLING_CLOCK_START: daysFrom(tickAt, 1) });
    expect(third.apiKey).toBe(first.apiKey);
    // BILLING_CLOCK_START overrides where the clock was kept.
    const overridden = Date.parse(clockOf(third.banner)) - Date.parse(daysFrom(tickAt, 1));
    expect(overridden).toBeGreaterThanOrEqual(0);
    expect(overridden).toBeLessThan(1000);
    expect((await usage(third.lago)).charges_usage[0]).toMatchObject({ units: "9.0", events_count: 9 });
    expect((await third.lago.invoices.findAllInvoices({})).data.invoices).toEqual([invoice]);
    await stop(third, "SIGTERM", "npm");
  });

  it("after a crash, keeps what the last periodic snapshot held", async () => {
    const crashDir = await dataFolder();
    const run = await start({
      BILLING_CLOCK_START: CONTRACT_CLOCK_START,
      BILLING_DATA_DIR: crashDir,
      BILLING_SNAPSHOT_SECONDS: "1",
    });
    await run.lago.customers.createCustomer({ customer: { external_id: "kept-by-snapshot", name: "Kept" } });
    const snapshot = join(crashDir, "snapshot.jsonl");
    const deadline = Date.now() + 30_000;
    while (!(await readFile(snapshot, "utf8").catch(() => "")).includes("kept-by-snapshot")) {
      if (Date.now() > deadline) throw new Error(`no periodic snapshot:\n${run.run.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    run.run.signal("SIGKILL", "group");
    expect(await run.run.gone()).toBe(true);

    // The lock of the killed process is taken over.
    const after = await start({ BILLING_DATA_DIR: crashDir });
    expect(after.apiKey).toBe(run.apiKey);
    expect((await after.lago.customers.findCustomer("kept-by-snapshot")).data.customer).toMatchObject({
      external_id: "kept-by-snapshot",
      name: "Kept",
    });
    await stop(after, "SIGTERM", "npm");
  });
});
