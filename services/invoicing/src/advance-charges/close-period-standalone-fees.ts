import type { Subscription } from "#shared/domain/catalog.js";
import type { BillingPeriod } from "#shared/domain/periods.js";
import type { Context } from "../billing/close-due-periods.js";
import { createRecurringStandaloneFees, type RecurringFeeDeps } from "./create-recurring-standalone-fees.js";
import { type RegroupDeps, regroupPaidFees } from "./regroup-paid-fees.js";

/**
 * What a period's close does for standalone pay-in-advance fees, after the period's invoice is
 * saved and before the schedule moves on (so a crash repeats it): the recurring metrics' fees of
 * the next period made (pending, so never regrouped at once), then the paid fees regrouped.
 */
export async function closePeriodStandaloneFees(
  deps: RecurringFeeDeps & RegroupDeps,
  subscription: Subscription,
  context: Context,
  period: BillingPeriod,
  now: string,
): Promise<void> {
  await createRecurringStandaloneFees(deps, subscription, context, period, now);
  await regroupPaidFees(deps, subscription, context, period, now);
}
