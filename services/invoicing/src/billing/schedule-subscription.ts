import type { SubscriptionChanged } from "#shared/contracts/invoicing-messages.js";
import { nextClosing } from "#shared/domain/subscriptions/billing-schedule.js";
import { asOf } from "#shared/domain/subscriptions/lifecycle.js";
import { unsavedSchedule } from "../store/billing-schedule-store.js";
import { type BillingDeps, closeDuePeriods, contextOf } from "./close-due-periods.js";

/**
 * A subscription the catalog created or changed: its billing schedule is set from what it now is
 * (a first closing for a new one, an earlier one for an ending_at or a termination), and what is
 * due by the change's instant is billed at once (a termination's final invoice). Told twice, it
 * finds the schedule already right and changes nothing. Returns the invoices created.
 */
export async function scheduleSubscription(deps: BillingDeps, change: SubscriptionChanged): Promise<number> {
  const record = await deps.catalog.subscriptionRecord(
    change.organizationId,
    change.externalSubscriptionId,
    change.subscriptionId,
  );
  if (!record || record.subscription.id !== change.subscriptionId) return 0;
  const { plan, timezone } = await contextOf(deps, record.subscription);
  const schedule =
    (await deps.schedules.get(change.organizationId, change.subscriptionId)) ??
    unsavedSchedule(change.organizationId, change.subscriptionId, change.externalSubscriptionId);
  const subscription = asOf(record.subscription, timezone, change.now);
  const dueAt = nextClosing(subscription, plan, timezone, schedule.billedThrough);
  if (dueAt !== schedule.dueAt)
    await deps.schedules.save(schedule, { billedThrough: schedule.billedThrough, dueAt });
  return dueAt !== null && dueAt <= change.now ? closeDuePeriods(deps, change, change.now) : 0;
}
