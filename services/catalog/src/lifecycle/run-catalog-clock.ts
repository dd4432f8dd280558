import { allDueShards } from "#shared/store/due-index.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { publishDueOwedEvents } from "../events/publish-owed-events.js";
import { sendOwedProviderCustomers } from "../provider-customers/send-owed-provider-customers.js";
import { type SettleOutcome, settleDueSubscription } from "./settle-due-subscription.js";

export interface CatalogClockRun {
  readonly now: string;
  readonly due: number;
  readonly settled: number;
  /** Events a change owed and had not published (its function died first), published now. */
  readonly published: number;
  /** Provider customers a change owed and had not asked for (the same), asked for now. */
  readonly providerCustomers: number;
}

/** Subscriptions settled at once: enough to keep a large midnight short, few enough for DynamoDB. */
const CONCURRENCY = 25;

/**
 * The catalog clock: every subscription due in the catalog's index by `now` (the scheduler's
 * instant) is settled: its transitions made, invoicing told. Every event still owed there (a
 * change whose function died before publishing it) is published, with its own unique key, and
 * every provider customer still owed there is asked for on the provider-customers queue. It
 * reads only the due index, so its work grows with the subscriptions that changed or reach a
 * transition, not with all of them.
 */
export async function runCatalogClock(deps: CatalogDeps, now: string): Promise<CatalogClockRun> {
  const shards = await Promise.all(allDueShards().map((shard) => deps.catalog.dueItems(shard, now)));
  const due = shards.flatMap((shard) => shard.subscriptions);
  const outcomes: SettleOutcome[] = [];
  for (let i = 0; i < due.length; i += CONCURRENCY) {
    outcomes.push(
      ...(await Promise.all(
        due.slice(i, i + CONCURRENCY).map((entry) => settleDueSubscription(deps, entry, now)),
      )),
    );
  }
  const published = await publishDueOwedEvents(
    deps,
    shards.flatMap((shard) => shard.owedEvents),
  );
  const providerCustomers = await sendOwedProviderCustomers(
    deps,
    shards.flatMap((shard) => shard.providerCustomers),
  );
  return {
    now,
    due: due.length,
    settled: outcomes.filter((outcome) => outcome === "settled").length,
    published,
    providerCustomers,
  };
}
