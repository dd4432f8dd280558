/**
 * The catalog as plain data: what an organization sells (billable metrics, plans and their charges)
 * and to whom (customers, subscriptions). Amounts in `*Cents` fields are integer minor units; unit
 * prices inside charge properties stay decimal strings, as Lago's API carries them.
 */
import type { BillingTime, PlanInterval } from "./periods.js";

export type DocumentNumbering = "per_customer" | "per_organization";

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly defaultCurrency: string;
  readonly timezone: string;
  readonly invoiceGracePeriodDays: number;
  readonly documentNumberPrefix: string;
  readonly documentNumbering: DocumentNumbering;
  readonly netPaymentTermDays: number;
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

export interface BillableMetric {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly code: string;
  readonly description: string | null;
  readonly aggregationType: AggregationType;
  readonly fieldName: string | null;
  readonly recurring: boolean;
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

export interface Charge {
  readonly id: string;
  readonly billableMetricId: string;
  readonly billableMetricCode: string;
  readonly chargeModel: ChargeModel;
  /** Charge model properties exactly as Lago's API takes them (decimal strings for prices). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly payInAdvance: boolean;
  readonly invoiceable: boolean;
  readonly prorated: boolean;
  readonly minAmountCents: number;
  readonly invoiceDisplayName: string | null;
  readonly createdAt: string;
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
  readonly invoiceDisplayName: string | null;
  readonly charges: readonly Charge[];
  readonly createdAt: string;
}

export interface Customer {
  readonly id: string;
  readonly organizationId: string;
  readonly externalId: string;
  /** Order of creation within the organization; numbers invoices per customer. */
  readonly sequentialId: number;
  readonly name: string | null;
  readonly email: string | null;
  readonly currency: string | null;
  readonly timezone: string | null;
  readonly invoiceGracePeriodDays: number | null;
  readonly createdAt: string;
}

export type SubscriptionStatus = "pending" | "active" | "terminated" | "canceled";

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
  readonly createdAt: string;
}

/** customer.timezone, else the organization's, else UTC (LAGO-SEMANTICS.md section 5). */
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
