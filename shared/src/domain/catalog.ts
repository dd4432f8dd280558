/**
 * The catalog as plain data: what an organization sells (billable metrics, plans and their charges)
 * and to whom (customers, subscriptions). Amounts in `*Cents` fields are integer minor units; unit
 * prices inside charge properties stay decimal strings, as Lago's API carries them.
 */
import type { OnTerminationCreditNote } from "./credit-notes/termination-credit-split.js";
import type { CustomerPaymentProvider } from "./payments/customer-payment-provider.js";
import type { BillingTime, PlanInterval } from "./periods.js";

export type DocumentNumbering = "per_customer" | "per_organization";

/** Contact and legal details printed on documents; every field optional, as in Lago. */
export interface LegalDetails {
  readonly email: string | null;
  readonly legalName: string | null;
  readonly legalNumber: string | null;
  readonly taxIdentificationNumber: string | null;
  readonly addressLine1: string | null;
  readonly addressLine2: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly zipcode: string | null;
  readonly country: string | null;
}

export const EMPTY_LEGAL_DETAILS: LegalDetails = {
  email: null,
  legalName: null,
  legalNumber: null,
  taxIdentificationNumber: null,
  addressLine1: null,
  addressLine2: null,
  city: null,
  state: null,
  zipcode: null,
  country: null,
};

export interface Organization extends LegalDetails {
  readonly id: string;
  readonly name: string;
  readonly defaultCurrency: string;
  readonly timezone: string;
  readonly invoiceGracePeriodDays: number;
  readonly documentNumberPrefix: string;
  readonly documentNumbering: DocumentNumbering;
  readonly netPaymentTermDays: number;
  /** Secret of `hmac` webhook signatures (Lago's organization hmac_key). */
  readonly hmacKey: string;
  readonly createdAt: string;
}

export const AGGREGATION_TYPES = [
  "count_agg",
  "sum_agg",
  "max_agg",
  "unique_count_agg",
  "latest_agg",
  "weighted_sum_agg",
] as const;
export type AggregationType = (typeof AGGREGATION_TYPES)[number];

export interface MetricFilter {
  readonly key: string;
  readonly values: readonly string[];
}

export const ROUNDING_FUNCTIONS = ["round", "ceil", "floor"] as const;
export type RoundingFunction = (typeof ROUNDING_FUNCTIONS)[number];

export interface BillableMetric {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly code: string;
  readonly description: string | null;
  readonly aggregationType: AggregationType;
  readonly fieldName: string | null;
  readonly recurring: boolean;
  readonly roundingFunction: RoundingFunction | null;
  readonly roundingPrecision: number | null;
  /** "seconds" for weighted sums, null otherwise. */
  readonly weightedInterval: "seconds" | null;
  readonly filters: readonly MetricFilter[];
  readonly createdAt: string;
}

export const CHARGE_MODELS = [
  "standard",
  "graduated",
  "graduated_percentage",
  "package",
  "percentage",
  "volume",
  "dynamic",
] as const;
export type ChargeModel = (typeof CHARGE_MODELS)[number];

/** A charge filter: usage whose properties match `values` is priced with its own properties. */
export interface ChargeFilter {
  readonly id: string;
  readonly invoiceDisplayName: string | null;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Metric filter key → accepted values (`__ALL_FILTER_VALUES__` for any declared value). */
  readonly values: Readonly<Record<string, readonly string[]>>;
}

export interface Charge {
  readonly id: string;
  readonly billableMetricId: string;
  readonly billableMetricCode: string;
  readonly chargeModel: ChargeModel;
  /** Charge model properties exactly as Lago's API takes them (decimal strings for prices). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly filters: readonly ChargeFilter[];
  readonly payInAdvance: boolean;
  readonly invoiceable: boolean;
  readonly regroupPaidFees: "invoice" | null;
  readonly prorated: boolean;
  readonly minAmountCents: number;
  readonly invoiceDisplayName: string | null;
  readonly taxCodes: readonly string[];
  readonly createdAt: string;
  /** On a subscription's overridden plan: the charge of the parent plan this one copies. */
  readonly parentId?: string | null;
}

export interface MinimumCommitment {
  readonly amountCents: number;
  readonly invoiceDisplayName: string | null;
  readonly taxCodes: readonly string[];
}

export interface Plan {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly code: string;
  readonly description: string | null;
  readonly interval: PlanInterval;
  readonly amountCents: number;
  readonly amountCurrency: string;
  readonly payInAdvance: boolean;
  readonly trialPeriodDays: number;
  /** Yearly and semiannual plans only: charges billed every month. */
  readonly billChargesMonthly: boolean;
  readonly invoiceDisplayName: string | null;
  readonly minimumCommitment: MinimumCommitment | null;
  readonly taxCodes: readonly string[];
  readonly charges: readonly Charge[];
  readonly createdAt: string;
  /**
   * A subscription's own plan made from `plan_overrides` (Lago's child plan): the plan it copies.
   * It keeps its parent's code, and is never listed among the organization's plans.
   */
  readonly parentId?: string | null;
}

const PERIODS_PER_YEAR: Record<PlanInterval, number> = {
  weekly: 52,
  monthly: 12,
  quarterly: 4,
  semiannual: 2,
  yearly: 1,
};

/** What a plan's base fee costs over a year: a higher one makes a plan change an upgrade. */
export function yearlyAmountCents(plan: Pick<Plan, "amountCents" | "interval">): number {
  return plan.amountCents * PERIODS_PER_YEAR[plan.interval];
}

export interface Tax {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly code: string;
  readonly description: string | null;
  /** Percent, decimal string ("20", "8.875"). */
  readonly rate: string;
  readonly appliedToOrganization: boolean;
  readonly createdAt: string;
}

/** A one-off product (a setup fee, a training) billed on one-off invoices. */
export interface AddOn {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly code: string;
  readonly invoiceDisplayName: string | null;
  readonly description: string | null;
  /** The default price of one unit, in cents of `amountCurrency`. */
  readonly amountCents: number;
  readonly amountCurrency: string;
  readonly taxCodes: readonly string[];
  readonly createdAt: string;
}

export interface WebhookEndpoint {
  readonly id: string;
  readonly organizationId: string;
  readonly webhookUrl: string;
  readonly name: string | null;
  readonly signatureAlgo: "jwt" | "hmac";
  /** Webhook types sent there; null for all. */
  readonly eventTypes: readonly string[] | null;
  readonly createdAt: string;
}

export interface CustomerMetadata {
  readonly id: string;
  readonly key: string;
  readonly value: string;
  readonly displayInInvoice: boolean;
}

export interface Customer extends LegalDetails {
  readonly id: string;
  readonly organizationId: string;
  readonly externalId: string;
  /** Order of creation within the organization; numbers invoices per customer. */
  readonly sequentialId: number;
  readonly name: string | null;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly customerType: "company" | "individual" | null;
  readonly phone: string | null;
  readonly url: string | null;
  readonly currency: string | null;
  readonly timezone: string | null;
  readonly invoiceGracePeriodDays: number | null;
  readonly netPaymentTermDays: number | null;
  readonly documentLocale: string | null;
  readonly taxCodes: readonly string[];
  readonly metadata: readonly CustomerMetadata[];
  /** Its payment provider (`billing_configuration.payment_provider`); absent or null: none. */
  readonly paymentProvider?: CustomerPaymentProvider | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type SubscriptionStatus = "pending" | "active" | "terminated" | "canceled";
export type TerminationReason = "terminated" | "upgraded" | "downgraded" | "canceled" | "ended";

export interface Subscription {
  readonly id: string;
  readonly organizationId: string;
  readonly externalId: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  readonly planId: string;
  readonly planCode: string;
  readonly name: string | null;
  readonly status: SubscriptionStatus;
  readonly billingTime: BillingTime;
  /** Anchor of anniversary periods. */
  readonly subscriptionAt: string;
  /** When usage starts counting; the first period's charges begin here. */
  readonly startedAt: string | null;
  readonly endingAt: string | null;
  readonly terminatedAt: string | null;
  readonly canceledAt: string | null;
  readonly terminationReason: TerminationReason | null;
  /** The subscription this one replaced (upgrade, downgrade). */
  readonly previousSubscriptionId: string | null;
  /**
   * Where a free trial counts from when it replaced another: the first start of its chain of plan
   * changes (Lago counts a trial from the external id's first start, so an upgrade does not give a
   * new one). Absent: its own start.
   */
  readonly trialStartedAt?: string | null;
  /** Its free trial's end was announced (`subscription.trial_ended`): it is never announced again. */
  readonly trialEndAnnounced?: boolean;
  readonly previousPlanCode: string | null;
  /** A downgrade waiting for the end of the current period. */
  readonly nextPlanCode: string | null;
  /** When that downgrade takes effect: the end of the period it was asked in. */
  readonly nextPlanAt?: string | null;
  /**
   * That downgrade's own child plan (asked with `plan_overrides`), of the plan `nextPlanCode`
   * names; read only while `nextPlanCode` is set.
   */
  readonly nextPlanId?: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * When it was recorded as active, if not at its creation: started by the clock, or its start
   * moved to the past. Periods closed before then are never billed.
   */
  readonly activatedAt?: string | null;
  /**
   * What its termination (`DELETE /subscriptions/{id}`) asked of the unused days of a base fee
   * paid in advance; absent: `credit`, as Lago defaults it. Kept for plans paid in advance only.
   */
  readonly onTerminationCreditNote?: OnTerminationCreditNote | null;
}

/** customer.timezone, else the organization's, else UTC, as Lago applies it. */
export function applicableTimezone(
  customer: Pick<Customer, "timezone">,
  organization: Pick<Organization, "timezone">,
): string {
  return customer.timezone ?? organization.timezone ?? "UTC";
}

/** The customer's own grace period if set, else the organization's. */
export function applicableGracePeriodDays(
  customer: Pick<Customer, "invoiceGracePeriodDays">,
  organization: Pick<Organization, "invoiceGracePeriodDays">,
): number {
  return customer.invoiceGracePeriodDays ?? organization.invoiceGracePeriodDays;
}

/** Lago's default document prefix: first three letters of the name, uppercased, and the id's last four. */
export function defaultDocumentPrefix(name: string, organizationId: string): string {
  const letters =
    name
      .replace(/[^A-Za-z]/g, "")
      .slice(0, 3)
      .toUpperCase() || "ORG";
  return `${letters}-${organizationId.replace(/-/g, "").slice(-4).toUpperCase()}`;
}
