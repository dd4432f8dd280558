import type { Subscription } from "#shared/domain/catalog.js";
import { advanceChargesInvoice, feesToRegroup } from "#shared/domain/invoices/advance-charges-invoice.js";
import { applicableNetPaymentTermDays } from "#shared/domain/invoices/issuing-dates.js";
import { stableUuid } from "#shared/platform/ids.js";
import type { BillingDeps, Context } from "../billing/close-due-periods.js";
import { numberingPlan } from "../invoices/number-invoice.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { recordPayment } from "../payments/record-payment.js";
import { owedEvents } from "../store/invoice-store.js";
import { PaymentStore } from "../store/payment-store.js";
import { AdvanceFeeStore } from "./advance-fee-store.js";

export interface RegroupDeps extends BillingDeps {
  readonly advanceFees?: Pick<AdvanceFeeStore, "paidStandaloneFees" | "attachToInvoice">;
  readonly payments?: Pick<PaymentStore, "get" | "record" | "list">;
}

/** The manual payment Lago records of the invoice (its `invoice.charges_paid_in_advance`). */
export const CHARGES_PAID_IN_ADVANCE = "charges paid in advance";

/** One `advance_charges` invoice per (subscription, billed period), whoever makes it. */
export const advanceChargesInvoiceId = (
  organizationId: string,
  subscriptionId: string,
  periodStartsAt: string,
) => stableUuid("advance-charges-invoice", organizationId, subscriptionId, periodStartsAt);

let defaultStores: { advanceFees: AdvanceFeeStore; payments: PaymentStore } | undefined;
const stores = () => {
  defaultStores ??= { advanceFees: new AdvanceFeeStore(), payments: new PaymentStore() };
  return defaultStores;
};

/**
 * When a subscription's period is billed (its end is the billing instant): its paid standalone
 * fees of charges that regroup them put on one `advance_charges` invoice, as Lago's
 * `Invoices::AdvanceChargesService`, finalized and numbered at once, owing `invoice.created`, and
 * paid in full by a manual payment of its total. Each step can be repeated: the invoice's id comes
 * from the period, so a run after a crash finds the invoice saved and finishes it (attaches its
 * fees, records its one payment, publishes what it owes); before it is saved nothing is written.
 * Returns whether it made the invoice.
 */
export async function regroupPaidFees(
  deps: RegroupDeps,
  subscription: Subscription,
  context: Context,
  period: { readonly startsAt: string; readonly endsAt: string },
  now: string,
): Promise<boolean> {
  const { organization, customer, plan, timezone } = context;
  const regroups = plan.charges.some(
    (charge) => charge.payInAdvance && !charge.invoiceable && charge.regroupPaidFees === "invoice",
  );
  if (!regroups) return false;
  const advanceFees = deps.advanceFees ?? stores().advanceFees;
  const organizationId = subscription.organizationId;
  const id = advanceChargesInvoiceId(organizationId, subscription.id, period.startsAt);
  let invoice = await deps.invoices.get(organizationId, id);
  let created = false;
  if (!invoice) {
    const fees = feesToRegroup(
      await advanceFees.paidStandaloneFees(organizationId, subscription.id),
      plan.charges,
      period.endsAt,
    );
    if (fees.length === 0) return false;
    const built = advanceChargesInvoice({
      id,
      organizationId,
      customerId: subscription.customerId,
      externalCustomerId: subscription.externalCustomerId,
      subscriptionId: subscription.id,
      externalSubscriptionId: subscription.externalId,
      planId: plan.id,
      currency: fees[0]?.currency ?? plan.amountCurrency,
      timezone,
      period,
      billingAt: period.endsAt,
      netPaymentTermDays: applicableNetPaymentTermDays(customer, organization),
      fees,
      now,
    });
    const saved = await deps.invoices.saveOnce(
      built,
      numberingPlan(organization, customer, built.issuingDate),
    );
    invoice = saved.invoice;
    created = saved.created;
  }
  // A fee on another invoice meanwhile keeps it: this one was saved with the fees it regroups.
  for (const fee of invoice.fees) await advanceFees.attachToInvoice(organizationId, fee.id, invoice.id);
  if (invoice.totalAmountCents > 0)
    await recordPayment(
      { ...deps, payments: deps.payments ?? stores().payments },
      organizationId,
      {
        invoiceId: invoice.id,
        amountCents: invoice.totalAmountCents,
        reference: CHARGES_PAID_IN_ADVANCE,
        paidAt: invoice.createdAt,
      },
      now,
    );
  const latest = await deps.invoices.get(organizationId, id);
  if (latest && owedEvents(latest).length > 0) await publishInvoiceEvents(deps, organizationId, id);
  return created;
}
