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
import { type BillingWindow, billingWindow } from "#shared/domain/subscription-periods.js";
import { nextClosing, openPeriod } from "#shared/domain/subscriptions/billing-schedule.js";
import { asOf } from "#shared/domain/subscriptions/lifecycle.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { numberingPlan } from "../invoices/number-invoice.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import type { BillingSchedule, BillingScheduleStore } from "../store/billing-schedule-store.js";
import { type InvoiceStore, owedEvents } from "../store/invoice-store.js";
import { buildPeriodInvoice } from "./build-period-invoice.js";
import type { DomainEventPublisher } from "./domain-events.js";

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
  deps: Pick<BillingDeps, "chargeFees">,
  subscription: Subscription,
  context: Context,
  window: BillingWindow,
  now: string,
) {
  const { organization, customer, plan, timezone, taxes } = context;
  return buildPeriodInvoice({
    organization,
    customer,
    subscription,
    plan,
    window,
    timezone,
    graceDays: applicableGracePeriodDays(customer, organization),
    netPaymentTermDays: applicableNetPaymentTermDays(customer, organization),
    chargeFees: await deps.chargeFees(subscription, plan, window, timezone),
    taxes,
    now,
  });
}

/** Saves the invoice of one billing window once, numbers it if final, and publishes its event once. */
async function invoiceWindow(
  deps: BillingDeps,
  subscription: Subscription,
  context: Context,
  window: BillingWindow,
  now: string,
) {
  const { organization, customer } = context;
  const invoice = await billWindow(deps, subscription, context, window, now);
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
  const period = openPeriod(subscription, plan, timezone, schedule.billedThrough);
  const created = await invoiceWindow(
    deps,
    subscription,
    context,
    billingWindow(subscription, period, timezone),
    now,
  );
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
