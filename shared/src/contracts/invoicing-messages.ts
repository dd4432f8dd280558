import { z } from "zod";

/**
 * What invoicing's inbox (the billing-jobs queue) carries. Invoicing is the only writer of its
 * items; others tell it what happened, and each message is safe to handle twice.
 */

/** A subscription whose billing schedule is due, sent by the billing clock. */
export const closeDue = z.object({
  kind: z.literal("close_due"),
  organizationId: z.string().min(1),
  externalSubscriptionId: z.string().min(1),
  subscriptionId: z.string().min(1),
  /** The clock's instant: whatever was due at or before it is done. */
  now: z.string().min(1),
});

/**
 * A subscription the catalog created or changed (started, ended, moved to another plan, given an
 * ending_at): invoicing sets its billing schedule from it, and bills at once what is due by `now`
 * (a termination's final invoice).
 */
export const subscriptionChanged = z.object({
  kind: z.literal("subscription_changed"),
  organizationId: z.string().min(1),
  externalSubscriptionId: z.string().min(1),
  subscriptionId: z.string().min(1),
  now: z.string().min(1),
});

/** Usage arrived late for a period that has closed: its invoice, if still a draft, is redone. */
export const usageChanged = z.object({
  kind: z.literal("usage_changed"),
  organizationId: z.string().min(1),
  subscriptionId: z.string().min(1),
  periodStartsAt: z.string().min(1),
});

/**
 * The billing clock's run at `now`, for the drafts: invoicing reviews every draft waiting in its
 * drafts index and hands one `draft_due` job to the workers for each that is due.
 */
export const reviewDrafts = z.object({
  kind: z.literal("review_drafts"),
  now: z.string().min(1),
});

/**
 * A draft to finalize (its grace period, as it is now, has ended by `now`) or refresh (flagged by
 * late usage, or its dates moved with the grace period), or an invoice whose last change still
 * owes its event. Whoever handles it decides again from what it reads.
 */
export const draftDue = z.object({
  kind: z.literal("draft_due"),
  organizationId: z.string().min(1),
  invoiceId: z.string().min(1),
  now: z.string().min(1),
});

/**
 * The billing clock's run at `now`, for payments: invoicing marks overdue every unsettled invoice
 * whose due date has ended in its timezone by `now` (services/invoicing/src/payments).
 */
export const markOverdue = z.object({
  kind: z.literal("mark_overdue"),
  now: z.string().min(1),
});

/**
 * Events the events consumer stored for a subscription whose plan prices their metric with a
 * pay-in-advance charge (Lago's instant charges): invoicing bills each at once, one fee per
 * (charge, event) whatever is delivered twice. Sent after the events are stored, so a consumer that
 * dies before sending sends them again on its message's redelivery.
 */
export const payInAdvanceEvents = z.object({
  kind: z.literal("pay_in_advance_events"),
  organizationId: z.string().min(1),
  externalSubscriptionId: z.string().min(1),
  subscriptionId: z.string().min(1),
  periodStartsAt: z.string().min(1),
  periodEndsAt: z.string().min(1),
  events: z
    .array(
      z.object({
        transactionId: z.string().min(1),
        code: z.string().min(1),
        timestamp: z.string().min(1),
        /** When the API accepted it: the instant its fee and invoice are made at. */
        receivedAt: z.string().min(1),
        properties: z.record(z.string(), z.unknown()),
        preciseTotalAmountCents: z.string().nullable(),
      }),
    )
    .min(1),
});

export const invoicingMessage = z.discriminatedUnion("kind", [
  closeDue,
  subscriptionChanged,
  usageChanged,
  reviewDrafts,
  draftDue,
  markOverdue,
  payInAdvanceEvents,
]);

export type CloseDue = z.output<typeof closeDue>;
export type SubscriptionChanged = z.output<typeof subscriptionChanged>;
export type UsageChanged = z.output<typeof usageChanged>;
export type ReviewDrafts = z.output<typeof reviewDrafts>;
export type DraftDue = z.output<typeof draftDue>;
export type MarkOverdue = z.output<typeof markOverdue>;
export type PayInAdvanceEvents = z.output<typeof payInAdvanceEvents>;
export type InvoicingMessage = z.output<typeof invoicingMessage>;
