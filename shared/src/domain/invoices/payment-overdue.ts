/**
 * When an unpaid invoice becomes overdue. Its `payment_due_date` is a local date in the invoice's
 * timezone, the last day to pay: the invoice is overdue from the local midnight that ends that
 * day, in its own zone (Lago compares the due date with the UTC time, so it marks an invoice due
 * on the 10th overdue from 00:00 UTC on the 10th). Pure: the instant comes in as an argument.
 */
import { DateTime } from "luxon";
import type { Invoice } from "../invoice.js";
import { startOfLocalDay } from "../periods.js";

type OverdueFacts = Pick<Invoice, "status" | "paymentStatus" | "paymentDueDate" | "timezone"> &
  Pick<Invoice, "paymentOverdue">;

/** The instant an invoice due on `paymentDueDate` (local to `timezone`) is past due. */
export function overdueFrom(invoice: Pick<Invoice, "paymentDueDate" | "timezone">): string {
  const next = DateTime.fromISO(invoice.paymentDueDate, { zone: "UTC" }).plus({ days: 1 }).toISODate();
  return startOfLocalDay(next as string, invoice.timezone);
}

/**
 * An invoice that will become overdue if nothing changes: finalized, its payment not succeeded,
 * not already marked overdue. (A voided, draft or paid one never does.)
 */
export function awaitsOverdue(invoice: OverdueFacts): boolean {
  return invoice.status === "finalized" && invoice.paymentStatus !== "succeeded" && !invoice.paymentOverdue;
}

/** It awaits being overdue, and its due date has ended in its timezone by `instant`. */
export function isOverdueAt(invoice: OverdueFacts, instant: string): boolean {
  return awaitsOverdue(invoice) && Date.parse(instant) >= Date.parse(overdueFrom(invoice));
}

/** The invoice marked overdue at `now`. */
export function overdueInvoice<T extends Invoice>(invoice: T, now: string): T {
  return { ...invoice, paymentOverdue: true, updatedAt: now };
}
