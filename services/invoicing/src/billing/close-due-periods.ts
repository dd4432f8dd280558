import type { CloseDue } from "#shared/contracts/invoicing-messages.js";
import {
  applicableGracePeriodDays,
  applicableTimezone,
  type Customer,
  type Organization,
  type Plan,
  type Subscription,
  type Tax,
} from "#shared/domain/catalog.js";
import type { ChargeFee } from "#shared/domain/charge-fees.js";
import { applicableNetPaymentTermDays } from "#shared/domain/invoices/issuing-dates.js";
import { periodAfter, periodContaining } from "#shared/domain/periods.js";
import {
  type BillingWindow,
  billingScheduleOf,
  billingWindow,
  planPeriodOf,
  planScheduleOf,
} from "#shared/domain/subscription-periods.js";
import { advanceBillingOf } from "#shared/domain/subscriptions/advance-billing.js";
import { nextClosing, openAdvanceDue, openPeriod } from "#shared/domain/subscriptions/billing-schedule.js";
import { asOf } from "#shared/domain/subscriptions/lifecycle.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { periodInvoiceId } from "#shared/store/invoice-keys.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { closePeriodStandaloneFees } from "../advance-charges/close-period-standalone-fees.js";
import { numberingPlan } from "../invoices/number-invoice.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import type { BillingSchedule, BillingScheduleStore } from "../store/billing-schedule-store.js";
import { type InvoiceStore, owedEvents } from "../store/invoice-store.js";
import { buildPeriodInvoice, type PeriodInvoiceInput } from "./build-period-invoice.js";
import type { DomainEventPublisher } from "./domain-events.js";
import { findUnusedAdvanceFee } from "./find-unused-advance-fee.js";

/** Prices a subscription's charges over a billing window. */
export type ChargeFeesSource = (
  subscription: Subscription,
  plan: Plan,
  window: BillingWindow,
  timezone: string,
) => Promise<ChargeFee[]>;

export interface BillingDeps {
  /** Read only: subscriptions, plans, customers and taxes are the catalog's. */
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  readonly invoices: InvoiceStore;
  readonly schedules: BillingScheduleStore;
  readonly chargeFees: ChargeFeesSource;
  readonly publish: DomainEventPublisher;
  /** Wall clock for publication leases only; billing itself follows the job's `now`. */
  readonly clock?: () => number;
}

/** Caps one job's catch-up; a subscription further behind continues on the next clock run. */
const MAX_STEPS_PER_JOB = 24;

export interface Context {
  readonly organization: Organization;
  readonly customer: Customer;
  readonly plan: Plan;
  readonly taxes: readonly Tax[];
  readonly timezone: string;
}

export async function contextOf(
  deps: Pick<BillingDeps, "catalog" | "organizations">,
  subscription: Subscription,
): Promise<Context> {
  const [organization, customer, plan, taxes] = await Promise.all([
    deps.organizations.get(subscription.organizationId),
    deps.catalog.customerOf(subscription),
    deps.catalog.planOf(subscription),
    deps.catalog.listTaxes(subscription.organizationId),
  ]);
  if (!organization || !customer || !plan)
    throw new Error(`subscription ${subscription.id} lost its catalog`);
  return { organization, customer, plan, taxes, timezone: applicableTimezone(customer, organization) };
}

/**
 * The invoice of one billing window, its usage priced now, with the grace period and payment term
 * that apply to the customer: what closing a period and refreshing its draft both bill.
 */
export async function billWindow(
  deps: Pick<BillingDeps, "chargeFees" | "invoices">,
  subscription: Subscription,
  context: Context,
  window: BillingWindow,
  now: string,
  advance: Pick<PeriodInvoiceInput, "advance" | "advanceOnly"> = closingAdvance(
    subscription,
    context,
    window,
  ),
) {
  const { organization, customer, plan, timezone, taxes } = context;
  const planWindow = billingWindow(
    subscription,
    planPeriodOf(subscription, plan, timezone, window.period),
    timezone,
  );
  return buildPeriodInvoice({
    ...advance,
    planWindow,
    earlierUsageFees: await earlierUsageFees(deps.invoices, subscription, context, window, planWindow),
    organization,
    customer,
    subscription,
    plan,
    window,
    timezone,
    graceDays: applicableGracePeriodDays(customer, organization),
    netPaymentTermDays: applicableNetPaymentTermDays(customer, organization),
    chargeFees: advance.advanceOnly ? [] : await deps.chargeFees(subscription, plan, window, timezone),
    taxes,
    now,
  });
}

/**
 * The usage fees of a yearly (half-yearly) plan billing its charges monthly, billed on the
 * invoices of the months before `window` in its year: what its minimum commitment counts besides
 * this month's, read when this invoice closes the year. Each month's invoice has its period's id.
 */
async function earlierUsageFees(
  invoices: Pick<InvoiceStore, "get">,
  subscription: Subscription,
  context: Pick<Context, "plan" | "timezone">,
  window: BillingWindow,
  planWindow: BillingWindow,
): Promise<{ amountCents: number; preciseAmountCents: string }[]> {
  const { plan, timezone } = context;
  if (!plan.minimumCommitment || planWindow.period === window.period) return [];
  if (window.chargesUntil !== planWindow.chargesUntil) return [];
  const schedule = billingScheduleOf(subscription, plan, timezone);
  const months: string[] = [];
  for (
    let month = periodContaining(schedule, timezone, planWindow.period.startsAt);
    month.startsAt < window.period.startsAt;
    month = periodAfter(schedule, timezone, month)
  )
    months.push(month.startsAt);
  const billed = await Promise.all(
    months.map((startsAt) =>
      invoices.get(
        subscription.organizationId,
        periodInvoiceId(subscription.organizationId, subscription.id, startsAt),
      ),
    ),
  );
  return billed
    .filter((invoice) => invoice !== undefined && invoice.status !== "voided")
    .flatMap((invoice) => invoice?.fees ?? [])
    .filter((fee) => fee.feeType === "charge")
    .map((fee) => ({ amountCents: fee.amountCents, preciseAmountCents: fee.preciseAmountCents }));
}

/**
 * The pay-in-advance base fee that rides on the invoice closing `window`: the next period's, when
 * the window closes its whole period and the subscription goes on into the next one out of trial.
 */
export function closingAdvance(
  subscription: Subscription,
  context: Pick<Context, "plan" | "timezone">,
  window: BillingWindow,
): Pick<PeriodInvoiceInput, "advance"> {
  const { plan, timezone } = context;
  const planPeriod = planPeriodOf(subscription, plan, timezone, window.period);
  if (!plan.payInAdvance || window.chargesUntil !== planPeriod.endsAt) return { advance: null };
  const next = periodAfter(planScheduleOf(subscription, plan, timezone), timezone, planPeriod);
  const billing = advanceBillingOf(subscription, plan, timezone, next);
  return { advance: billing?.onPreviousClosing ? { period: next, billing } : null };
}

/** Saves the invoice of one billing window once, numbers it if final, and publishes its event once. */
async function invoiceWindow(
  deps: BillingDeps,
  subscription: Subscription,
  context: Context,
  window: BillingWindow,
  now: string,
  advance?: Pick<PeriodInvoiceInput, "advance" | "advanceOnly">,
) {
  const { organization, customer } = context;
  const billed = await billWindow(deps, subscription, context, window, now, advance);
  // A termination records, in the same write, what a pay-in-advance fee paid ahead and did not use.
  const unusedAdvanceFee = advance?.advanceOnly
    ? undefined
    : await findUnusedAdvanceFee(deps.invoices, subscription, context, window);
  const invoice = unusedAdvanceFee ? { ...billed, unusedAdvanceFee } : billed;
  const saved = await deps.invoices.saveOnce(
    invoice,
    invoice.status === "finalized" ? numberingPlan(organization, customer, invoice.issuingDate) : null,
  );
  // A run repeated after a crash publishes what the first one could not.
  if (owedEvents(saved.invoice).length > 0)
    await publishInvoiceEvents(deps, subscription.organizationId, saved.invoice.id);
  return saved.created;
}

/**
 * Bills a subscription's due periods, up to `now`, one at a time: the open period (from where the
 * schedule stands) as the subscription was at its close (its ending_at or a waiting downgrade's
 * switch applied even if the catalog has not recorded them yet), then the schedule moves on,
 * conditional on its revision. An invoice's id comes from its period, so a run repeated after a
 * crash, or concurrent with another, invoices each period once. Returns the invoices created.
 */
export async function closeDuePeriods(
  deps: BillingDeps,
  due: {
    readonly organizationId: string;
    readonly externalSubscriptionId: string;
    readonly subscriptionId: string;
  },
  now: string,
): Promise<number> {
  let invoices = 0;
  for (let n = 0; n < MAX_STEPS_PER_JOB; n++) {
    const schedule = await deps.schedules.get(due.organizationId, due.subscriptionId);
    if (!schedule?.dueAt || schedule.dueAt > now) return invoices;
    const record = await deps.catalog.subscriptionRecord(
      due.organizationId,
      due.externalSubscriptionId,
      due.subscriptionId,
    );
    if (!record || record.subscription.id !== due.subscriptionId) {
      throw new Error(`subscription ${due.subscriptionId} of a billing schedule is not in the catalog`);
    }
    if (await closeOnePeriod(deps, schedule, record.subscription, now)) invoices++;
  }
  return invoices;
}

async function closeOnePeriod(
  deps: BillingDeps,
  schedule: BillingSchedule,
  stored: Subscription,
  now: string,
): Promise<boolean> {
  const context = await contextOf(deps, stored);
  const { plan, timezone } = context;
  const subscription = asOf(stored, timezone, schedule.dueAt ?? now);
  // A pay-in-advance fee due on its own inside the open period is billed first, on its invoice.
  const advance = openAdvanceDue(subscription, plan, timezone, schedule.billedThrough);
  if (advance) {
    const created = await invoiceWindow(
      deps,
      subscription,
      context,
      billingWindow(subscription, advance.period, timezone),
      now,
      { advance, advanceOnly: true },
    );
    await deps.schedules.save(schedule, {
      billedThrough: advance.billing.at,
      dueAt: nextClosing(subscription, plan, timezone, advance.billing.at),
    });
    return created;
  }
  const period = openPeriod(subscription, plan, timezone, schedule.billedThrough);
  const created = await invoiceWindow(
    deps,
    subscription,
    context,
    billingWindow(subscription, period, timezone),
    now,
  );
  // Standalone pay-in-advance fees: the next period's recurring ones, the paid ones regrouped.
  await closePeriodStandaloneFees(deps, subscription, context, period, now);
  await deps.schedules.save(schedule, {
    billedThrough: period.endsAt,
    dueAt: nextClosing(subscription, plan, timezone, period.endsAt),
  });
  return created;
}

/** The close_due message of the billing clock, run. */
export function runDueSubscription(job: CloseDue, deps: BillingDeps): Promise<number> {
  return closeDuePeriods(deps, job, job.now);
}
