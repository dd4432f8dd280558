import { randomUUID } from "node:crypto";
import type { BillingJob } from "#shared/contracts/billing-job.js";
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
import { invoiceNumber } from "#shared/domain/invoice.js";
import { inclusiveEnd } from "#shared/domain/periods.js";
import {
  closingAfter,
  firstClosing,
  periodClosingAt,
  terminated,
} from "#shared/domain/subscription-lifecycle.js";
import {
  type BillingWindow,
  billingWindow,
  subscriptionPeriodAt,
} from "#shared/domain/subscription-periods.js";
import type { CatalogStore, SubscriptionRecord } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { serializeInvoice } from "../invoices/serialize.js";
import type { InvoiceStore, NumberingPlan } from "../store/invoice-store.js";
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
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  readonly invoices: InvoiceStore;
  readonly chargeFees: ChargeFeesSource;
  readonly publish: DomainEventPublisher;
  /** Wall clock for publication leases only; billing itself follows the job's `now`. */
  readonly clock?: () => number;
}

/** Caps one job's catch-up; a subscription further behind continues on the next tick. */
const MAX_STEPS_PER_JOB = 24;

interface Context {
  readonly organization: Organization;
  readonly customer: Customer;
  readonly plan: Plan;
  readonly taxes: readonly Tax[];
  readonly timezone: string;
}

async function contextOf(deps: BillingDeps, subscription: Subscription): Promise<Context> {
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

/** Saves the invoice of one billing window once, numbers it if final, and publishes its event once. */
async function invoiceWindow(
  deps: BillingDeps,
  subscription: Subscription,
  context: Context,
  window: BillingWindow,
  now: string,
) {
  const { organization, customer, plan, timezone, taxes } = context;
  const invoice = buildPeriodInvoice({
    organization,
    customer,
    subscription,
    plan,
    window,
    timezone,
    graceDays: applicableGracePeriodDays(customer, organization),
    chargeFees: await deps.chargeFees(subscription, plan, window, timezone),
    taxes,
    now,
  });
  const numbering: NumberingPlan | null =
    invoice.status === "finalized"
      ? {
          counter:
            organization.documentNumbering === "per_customer"
              ? `invoice#customer#${customer.id}`
              : "invoice#organization",
          format: (sequence) =>
            invoiceNumber(
              { prefix: organization.documentNumberPrefix, scheme: organization.documentNumbering },
              sequence,
              {
                customerSequentialId: customer.sequentialId,
                issuingDate: invoice.issuingDate,
              },
            ),
        }
      : null;
  const saved = await deps.invoices.saveOnce(invoice, numbering);
  const clock = deps.clock ?? Date.now;
  if (
    !saved.invoice.domainEventPublished &&
    (await deps.invoices.claimDomainEventPublication(subscription.organizationId, saved.invoice.id, clock()))
  ) {
    const type = saved.invoice.status === "draft" ? "invoice.drafted" : "invoice.created";
    await deps.publish(type, subscription.organizationId, {
      object_type: "invoice",
      invoice: serializeInvoice(saved.invoice),
    });
    await deps.invoices.markDomainEventPublished(subscription.organizationId, saved.invoice.id);
  }
  return saved.created;
}

/**
 * One step of a due subscription's lifecycle: activate a pending one, end one reaching its
 * `ending_at`, bill a closed period (and apply a waiting downgrade), or bill a terminated one's
 * final period. Every step is saved conditionally on the revision read, so a redelivered or
 * concurrent job repeats nothing: the invoice of a window is saved once (its id comes from the
 * window), and only the run whose save wins moves the subscription on.
 */
async function step(
  deps: BillingDeps,
  record: SubscriptionRecord,
  dueAt: string,
  now: string,
): Promise<boolean> {
  const { subscription } = record;
  const context = await contextOf(deps, subscription);
  const { plan, timezone } = context;

  if (subscription.status === "pending") {
    const active: Subscription = {
      ...subscription,
      status: "active",
      startedAt: subscription.subscriptionAt,
      updatedAt: dueAt,
    };
    await deps.catalog.saveSubscription(record, active, firstClosing(active, plan, timezone));
    return false;
  }
  if (subscription.status === "active" && subscription.endingAt && subscription.endingAt <= dueAt) {
    await deps.catalog.saveSubscription(
      record,
      terminated(subscription, subscription.endingAt, "ended"),
      subscription.endingAt,
    );
    return false;
  }
  if (
    subscription.status === "terminated" &&
    subscription.terminatedAt &&
    dueAt >= subscription.terminatedAt
  ) {
    // The final, partial period: billed up to the termination, then nothing more is due.
    const period = subscriptionPeriodAt(subscription, plan, timezone, subscription.terminatedAt);
    const created = await invoiceWindow(
      deps,
      subscription,
      context,
      billingWindow(subscription, period, timezone),
      now,
    );
    await deps.catalog.saveSubscription(record, subscription, null);
    return created;
  }
  if (subscription.status !== "active" && subscription.status !== "terminated") {
    await deps.catalog.saveSubscription(record, subscription, null);
    return false;
  }

  // A period that closed before the subscription was created (a subscription_at in the past) is
  // never billed, as in Lago, whose clock bills a period on its billing day only: the clock moves
  // on to the first period billed without invoicing this one.
  const firstDue = subscription.startedAt
    ? firstClosing(subscription, plan, timezone, subscription.createdAt)
    : dueAt;
  if (dueAt < firstDue) {
    const { terminatedAt } = subscription;
    await deps.catalog.saveSubscription(
      record,
      subscription,
      terminatedAt && terminatedAt < firstDue ? terminatedAt : firstDue,
    );
    return false;
  }

  // A period closed in full (a terminated subscription may still have one before its last).
  const period = periodClosingAt(subscription, plan, timezone, dueAt);
  const created = await invoiceWindow(
    deps,
    subscription,
    context,
    billingWindow(subscription, period, timezone),
    now,
  );
  if (subscription.status === "terminated") {
    const next = closingAfter(subscription, plan, timezone, period);
    const terminatedAt = subscription.terminatedAt ?? next;
    await deps.catalog.saveSubscription(record, subscription, next < terminatedAt ? next : terminatedAt);
    return created;
  }
  const nextPlan = subscription.nextPlanCode
    ? await deps.catalog.getPlan(subscription.organizationId, subscription.nextPlanCode)
    : undefined;
  if (!nextPlan) {
    await deps.catalog.saveSubscription(
      record,
      { ...subscription, nextPlanCode: null },
      closingAfter(subscription, plan, timezone, period),
    );
    return created;
  }
  // A downgrade waiting for this period's end: the next period belongs to a new subscription.
  const successor: Subscription = {
    ...subscription,
    id: randomUUID(),
    planId: nextPlan.id,
    planCode: nextPlan.code,
    startedAt: period.endsAt,
    previousSubscriptionId: subscription.id,
    previousPlanCode: subscription.planCode,
    nextPlanCode: null,
    createdAt: period.endsAt,
    updatedAt: period.endsAt,
  };
  await deps.catalog.replaceSubscription(
    record,
    { subscription: terminated(subscription, inclusiveEnd(period), "downgraded"), dueAt: null },
    { subscription: successor, dueAt: firstClosing(successor, nextPlan, timezone) },
  );
  return created;
}

/**
 * Does everything due for one subscription up to the job's `now`, step by step, and returns the
 * number of invoices it created.
 */
export async function runDueSubscription(job: BillingJob, deps: BillingDeps): Promise<number> {
  let invoices = 0;
  let subscriptionId = job.subscriptionId;
  for (let n = 0; n < MAX_STEPS_PER_JOB; n++) {
    const record = await deps.catalog.subscriptionRecord(
      job.organizationId,
      job.externalSubscriptionId,
      subscriptionId,
    );
    if (!record?.dueAt || record.dueAt > job.now) return invoices;
    subscriptionId = record.subscription.id;
    if (await step(deps, record, record.dueAt, job.now)) invoices++;
  }
  return invoices;
}
