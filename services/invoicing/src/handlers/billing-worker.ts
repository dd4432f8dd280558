import { invoicingMessage } from "#shared/contracts/invoicing-messages.js";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { billingJobsQueue, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { AdvanceFeeStore } from "../advance-charges/advance-fee-store.js";
import {
  type AdvanceChargeDeps,
  billPayInAdvanceEvents,
} from "../advance-charges/bill-pay-in-advance-events.js";
import { type BillingDeps, closeDuePeriods } from "../billing/close-due-periods.js";
import { enqueueDueDrafts } from "../billing/enqueue-due-drafts.js";
import { reviewDraft } from "../billing/review-draft.js";
import { scheduleSubscription } from "../billing/schedule-subscription.js";
import { markOverdueInvoices } from "../payments/mark-overdue-invoices.js";
import { BillingScheduleStore, ScheduleChangedError } from "../store/billing-schedule-store.js";
import { invoiceChangeDeps } from "./invoice-change-deps.js";

let deps: BillingDeps | undefined;
const dependencies = (): BillingDeps => {
  deps ??= { ...invoiceChangeDeps(), schedules: new BillingScheduleStore() };
  return deps;
};

let advanceDeps: AdvanceChargeDeps | undefined;
const advanceDependencies = (): AdvanceChargeDeps => {
  advanceDeps ??= { ...dependencies(), advanceFees: new AdvanceFeeStore() };
  return advanceDeps;
};

/** Attempts of a message whose schedule keeps changing under it, before SQS redelivers it. */
const MAX_ATTEMPTS = 4;

/**
 * Runs `work` again from fresh reads when a concurrent run moved the schedule first (the clock's
 * job and a catalog notice for one subscription in one batch): its writes are conditional, so a
 * lost race wrote nothing.
 */
async function retryingConcurrentChanges(work: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if (!(error instanceof ScheduleChangedError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

export const handler = createQueueConsumer({
  service: "invoicing-worker",
  message: invoicingMessage,
  handleMessage: async (message) => {
    const billing = dependencies();
    switch (message.kind) {
      case "close_due":
        return retryingConcurrentChanges(() => closeDuePeriods(billing, message, message.now));
      case "subscription_changed":
        return retryingConcurrentChanges(() => scheduleSubscription(billing, message));
      case "usage_changed":
        await billing.invoices.flagDraftForRefresh(
          message.organizationId,
          message.subscriptionId,
          message.periodStartsAt,
        );
        return;
      case "review_drafts":
        await enqueueDueDrafts(billing, message.now, async (jobs) => {
          await enqueueMessages(
            sqsClient(),
            resourceName(billingJobsQueue),
            jobs.map((job) => JSON.stringify(job)),
          );
        });
        return;
      case "draft_due":
        return reviewDraft(billing, message);
      case "mark_overdue":
        await markOverdueInvoices(billing, message.now);
        return;
      case "pay_in_advance_events":
        await billPayInAdvanceEvents(advanceDependencies(), message);
        return;
    }
  },
});
