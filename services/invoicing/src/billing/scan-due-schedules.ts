import type { ClockScan } from "#shared/contracts/clock-scan.js";
import type { CloseDue } from "#shared/contracts/invoicing-messages.js";
import { allDueShards } from "#shared/store/due-index.js";
import type { BillingScheduleStore } from "../store/billing-schedule-store.js";

/**
 * Due schedules one scan handles: its calls are one query and a tenth as many queue sends, a
 * fixed budget whatever is due, well inside one invocation's time.
 */
export const SCAN_PAGE_SIZE = 1000;

/**
 * A run of the billing clock at `now` (the scheduler's instant, never the wall clock): one scan
 * per shard of the due index, each handled by its own invocation, so the run fans out at once.
 */
export function clockRunScans(now: string): ClockScan[] {
  return allDueShards().map((shard) => ({ kind: "scan_due", shard, now }));
}

export interface ScanOutcome {
  readonly jobs: number;
  readonly continued: boolean;
}

/**
 * Scans one page of a shard: one `close_due` job per due schedule for the workers, and, if the
 * shard holds more, the scan of the next page (another invocation). The clock reads only the due
 * index, so its work grows with what is due, not with all subscriptions.
 */
export async function scanDueSchedules(
  scan: ClockScan,
  schedules: BillingScheduleStore,
  send: {
    readonly jobs: (jobs: readonly CloseDue[]) => Promise<void>;
    readonly scan: (next: ClockScan) => Promise<void>;
  },
  pageSize = SCAN_PAGE_SIZE,
): Promise<ScanOutcome> {
  const page = await schedules.duePage(scan.shard, scan.now, { limit: pageSize, after: scan.after });
  const jobs: CloseDue[] = page.entries.map((entry) => ({
    kind: "close_due",
    organizationId: entry.organizationId,
    externalSubscriptionId: entry.externalSubscriptionId,
    subscriptionId: entry.subscriptionId,
    now: scan.now,
  }));
  if (jobs.length > 0) await send.jobs(jobs);
  // The continuation goes after this page's jobs: a crash before it only repeats this page.
  if (page.next) await send.scan({ ...scan, after: page.next });
  return { jobs: jobs.length, continued: page.next !== undefined };
}
