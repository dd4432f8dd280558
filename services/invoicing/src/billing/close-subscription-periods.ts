import type { BillingJob } from "#shared/contracts/billing-job.js";
import { applicableGracePeriodDays, applicableTimezone } from "#shared/domain/catalog.js";
import { invoiceNumber } from "#shared/domain/invoice.js";
import { periodAfter, periodContaining } from "#shared/domain/periods.js";
import { billingScheduleOf } from "#shared/domain/subscription-periods.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import type { UsageStore } from "#shared/store/usage-store.js";
import { periodChargeFees } from "#shared/usage/period-charge-fees.js";
import { serializeInvoice } from "../invoices/serialize.js";
import type { InvoiceStore, NumberingPlan } from "../store/invoice-store.js";
import { buildPeriodInvoice } from "./build-period-invoice.js";
import type { DomainEventPublisher } from "./domain-events.js";

export interface CloseDeps {
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  readonly usage: UsageStore;
  readonly invoices: InvoiceStore;
  readonly publish: DomainEventPublisher;
  /** Wall clock for publication leases only; billing itself follows the job's `now`. */
  readonly clock?: () => number;
}

/** Caps the catch-up of one job; a subscription further behind continues on the next tick. */
const MAX_PERIODS_PER_JOB = 24;

/**
 * Bills every period of one subscription that closed at or before the job's `now`: for each, the
 * invoice is saved once (its id is derived from the period), its domain event published, and
 * the subscription's closing time moved to the next period's end. Any step may be repeated by a
 * redelivered job without a second invoice, a second number or a skipped period.
 */
export async function closeSubscriptionPeriods(job: BillingJob, deps: CloseDeps): Promise<number> {
  let invoiced = 0;
  for (let n = 0; n < MAX_PERIODS_PER_JOB; n++) {
    const { organizationId, externalSubscriptionId } = job;
    const [subscription, closesAt, organization] = await Promise.all([
      deps.catalog.getSubscription(organizationId, externalSubscriptionId),
      deps.catalog.closingTime(organizationId, externalSubscriptionId),
      deps.organizations.get(organizationId),
    ]);
    if (subscription?.status !== "active" || !organization) return invoiced;
    if (!closesAt || closesAt > job.now) return invoiced;
    const [plan, customer] = await Promise.all([
      deps.catalog.getPlan(organizationId, subscription.planCode),
      deps.catalog.getCustomer(organizationId, subscription.externalCustomerId),
    ]);
    if (!plan || !customer) throw new Error(`subscription ${subscription.id} lost its plan or customer`);

    const timezone = applicableTimezone(customer, organization);
    const schedule = billingScheduleOf(subscription, plan, timezone);
    const period = periodContaining(schedule, timezone, new Date(Date.parse(closesAt) - 1).toISOString());
    const invoice = buildPeriodInvoice({
      organization,
      customer,
      subscription,
      plan,
      period,
      timezone,
      graceDays: applicableGracePeriodDays(customer, organization),
      chargeFees: await periodChargeFees(deps, subscription, plan, period),
      now: job.now,
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
    if (saved.created) invoiced++;
    const clock = deps.clock ?? Date.now;
    if (
      !saved.invoice.domainEventPublished &&
      (await deps.invoices.claimDomainEventPublication(organizationId, saved.invoice.id, clock()))
    ) {
      const type = saved.invoice.status === "draft" ? "invoice.drafted" : "invoice.created";
      await deps.publish(type, organizationId, {
        object_type: "invoice",
        invoice: serializeInvoice(saved.invoice),
      });
      await deps.invoices.markDomainEventPublished(organizationId, saved.invoice.id);
    }
    await deps.catalog.advanceClosing(subscription, closesAt, periodAfter(schedule, timezone, period).endsAt);
  }
  return invoiced;
}
