import type { CloseDue } from "#shared/contracts/invoicing-messages.js";
import { allDueShards } from "#shared/store/due-index.js";
import type { BillingScheduleStore } from "../store/billing-schedule-store.js";

export interface ClockRun {
  readonly now: string;
  readonly dueSubscriptions: number;
}

/**
 * The billing clock: finds the subscriptions whose billing schedule is due at or before `now`
 * (the scheduler's instant, never the wall clock) and hands one job each to the workers. It reads
 * only the due index, so its work grows with the due subscriptions, not with all of them.
 */
export async function enqueueDueSubscriptions(
  now: string,
  schedules: BillingScheduleStore,
  send: (jobs: readonly CloseDue[]) => Promise<void>,
): Promise<ClockRun> {
  const due = (await Promise.all(allDueShards().map((shard) => schedules.due(shard, now)))).flat();
  const jobs: CloseDue[] = due.map((entry) => ({
    kind: "close_due",
    organizationId: entry.organizationId,
    externalSubscriptionId: entry.externalSubscriptionId,
    subscriptionId: entry.subscriptionId,
    now,
  }));
  if (jobs.length > 0) await send(jobs);
  return { now, dueSubscriptions: jobs.length };
}
