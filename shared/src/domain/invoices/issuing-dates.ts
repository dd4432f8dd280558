/**
 * An invoice's dates, as Lago sets them with its default issuing-date settings (anchor
 * `next_period_start`, adjustment `align_with_finalization_date`): a draft is issued on the date
 * its grace period ends, and an invoice is issued again on the day it is finalized. Pure: `now`
 * comes in as an argument.
 */
import type { Customer, Organization } from "../catalog.js";
import { localDate, plusDays } from "../periods.js";

/** The customer's own net payment term if set, else the organization's (Lago's `applicable_net_payment_term`). */
export function applicableNetPaymentTermDays(
  customer: Pick<Customer, "netPaymentTermDays">,
  organization: Pick<Organization, "netPaymentTermDays">,
): number {
  return customer.netPaymentTermDays ?? organization.netPaymentTermDays;
}

export interface InvoiceDates {
  readonly issuingDate: string;
  /** Lago's `expected_finalization_date`: the billing date plus the grace period. */
  readonly expectedFinalizationDate: string;
  readonly paymentDueDate: string;
  readonly netPaymentTermDays: number;
}

/**
 * The dates of an invoice billed on `billingDate` (a local date) under the grace period and net
 * payment term that apply: without a grace period all three are the billing date and its term.
 */
export function billedInvoiceDates(
  billingDate: string,
  graceDays: number,
  netPaymentTermDays: number,
): InvoiceDates {
  const issuingDate = plusDays(billingDate, graceDays);
  return {
    issuingDate,
    expectedFinalizationDate: issuingDate,
    paymentDueDate: plusDays(issuingDate, netPaymentTermDays),
    netPaymentTermDays,
  };
}

/**
 * The dates a draft takes when it is finalized at `now`: issued on the customer's local date of
 * finalization (a manual finalization during the grace period issues it that day), due
 * `netPaymentTermDays` later.
 */
export function finalizationDates(
  now: string,
  timezone: string,
  netPaymentTermDays: number,
): Pick<InvoiceDates, "issuingDate" | "paymentDueDate" | "netPaymentTermDays"> {
  const issuingDate = localDate(now, timezone);
  return { issuingDate, paymentDueDate: plusDays(issuingDate, netPaymentTermDays), netPaymentTermDays };
}
