import type { BillingJob } from "#shared/contracts/billing-job.js";
import { allDueShards, type CatalogStore } from "#shared/store/catalog-store.js";

export interface ClockRun {
  readonly now: string;
  readonly dueSubscriptions: number;
}

/**
 * The billing clock: finds the subscriptions whose open period closed at or before `now` (the
 * scheduler's instant, never the wall clock) and hands one job each to the workers. It reads only
 * the due index, so its work grows with the due subscriptions, not with all of them.
 */
export async function enqueueDueSubscriptions(
  now: string,
  catalog: CatalogStore,
  send: (jobs: readonly BillingJob[]) => Promise<void>,
): Promise<ClockRun> {
  const due = (await Promise.all(allDueShards().map((shard) => catalog.dueSubscriptions(shard, now)))).flat();
  const jobs: BillingJob[] = due.map((entry) => ({
    organizationId: entry.organizationId,
    externalSubscriptionId: entry.externalId,
    subscriptionId: entry.id,
    now,
  }));
  if (jobs.length > 0) await send(jobs);
  return { now, dueSubscriptions: jobs.length };
}
