import type { PaymentMethodReference, SubscriptionObject } from "lago-javascript-client";
import type { Organization, Plan, Subscription } from "#shared/domain/catalog.js";
import { type BillingPeriod, billingDate, inclusiveEnd } from "#shared/domain/periods.js";
import { billingEntityCode } from "./billing-entity.js";
import { type Corrected, type LagoShape, lagoCurrency } from "./lago-shape.js";

/** A subscription with what its serialization shows of the moment it is shown at. */
export interface SubscriptionView {
  readonly subscription: Subscription;
  /** When the plan's free trial ends, or null. */
  readonly trialEndedAt: string | null;
  /** The open period, for an active subscription. */
  readonly currentPeriod: BillingPeriod | null;
  /** Its plan, for the plan's amount; without it the amount is sent as null. */
  readonly plan?: Pick<Plan, "amountCents" | "amountCurrency">;
  /** Its organization, for the billing entity's code; without it the code is sent as null. */
  readonly organization?: Pick<Organization, "name">;
}

/**
 * Nils Lago sends as null where the client's type lists none: the credit-note choice, stored only
 * when given (Lago refuses it for plans paid in arrears), and a payment method never chosen.
 */
type SubscriptionCorrections = {
  on_termination_credit_note: SubscriptionObject["on_termination_credit_note"] | null;
  payment_method: LagoShape<PaymentMethodReference>;
};

/** Lago's field the client does not type. */
interface SubscriptionExtras {
  readonly progressive_billing_disabled: boolean;
}

export type SubscriptionShape = Corrected<LagoShape<SubscriptionObject>, SubscriptionCorrections> &
  SubscriptionExtras;

/**
 * A subscription as Lago serializes it (`V1::SubscriptionSerializer`): what invoices embed and the
 * subscriptions API extends. Payment methods, activation rules and invoice custom sections are not
 * part of this product yet: they are sent with Lago's defaults.
 */
export function serializeSubscription(view: SubscriptionView): SubscriptionShape {
  const { subscription, currentPeriod, trialEndedAt, plan, organization } = view;
  return {
    lago_id: subscription.id,
    external_id: subscription.externalId,
    lago_customer_id: subscription.customerId,
    external_customer_id: subscription.externalCustomerId,
    billing_entity_code: organization ? billingEntityCode(organization) : null,
    name: subscription.name,
    plan_code: subscription.planCode,
    plan_amount_cents: plan?.amountCents ?? null,
    plan_amount_currency: plan ? lagoCurrency(plan.amountCurrency) : null,
    status: subscription.status,
    billing_time: subscription.billingTime,
    subscription_at: subscription.subscriptionAt,
    started_at: subscription.startedAt,
    trial_ended_at: trialEndedAt,
    ending_at: subscription.endingAt,
    terminated_at: subscription.terminatedAt,
    canceled_at: subscription.canceledAt,
    created_at: subscription.createdAt,
    previous_plan_code: subscription.previousPlanCode,
    next_plan_code: subscription.nextPlanCode,
    downgrade_plan_date: subscription.nextPlanCode && currentPeriod ? billingDate(currentPeriod) : null,
    current_billing_period_started_at: currentPeriod?.startsAt ?? null,
    current_billing_period_ending_at: currentPeriod ? inclusiveEnd(currentPeriod) : null,
    on_termination_credit_note: subscription.onTerminationCreditNote ?? null,
    on_termination_invoice: "generate",
    progressive_billing_disabled: false,
    consolidate_invoice: true,
    purchase_order_number: null,
    cancellation_reason: null,
    // Lago activates a subscription at its start: both instants are the same.
    activated_at: subscription.startedAt,
    payment_method: { payment_method_type: "provider", payment_method_id: null },
    activation_rules: [],
    applied_invoice_custom_sections: [],
  };
}
