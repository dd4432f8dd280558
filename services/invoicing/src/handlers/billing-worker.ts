import { invoicingMessage } from "#shared/contracts/invoicing-messages.js";
import { eventBridgeClient, sqsClient } from "#shared/platform/aws-clients.js";
import { billingJobsQueue, eventBus, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { periodChargeFees } from "#shared/usage/period-charge-fees.js";
import { type BillingDeps, closeDuePeriods } from "../billing/close-due-periods.js";
import { eventBridgePublisher } from "../billing/domain-events.js";
import { enqueueDueDrafts } from "../billing/enqueue-due-drafts.js";
import { reviewDraft } from "../billing/review-draft.js";
import { scheduleSubscription } from "../billing/schedule-subscription.js";
import { markOverdueInvoices } from "../payments/mark-overdue-invoices.js";
import { BillingScheduleStore, ScheduleChangedError } from "../store/billing-schedule-store.js";
import { InvoiceStore } from "../store/invoice-store.js";

let deps: BillingDeps | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function dependencies(): BillingDeps {
  if (!deps) {
    const catalog = new CatalogStore();
    const events = new EventStore();
    const usage = new UsageStore();
    deps = {
      catalog,
      organizations: new OrganizationStore(),
      invoices: new InvoiceStore(),
      schedules: new BillingScheduleStore(),
      chargeFees: (subscription, plan, window, timezone) =>
        periodChargeFees({ catalog, events, usage }, subscription, plan, window, timezone),
      publish: eventBridgePublisher(eventBridgeClient(), resourceName(eventBus)),
    };
  }
  return deps;
}

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
    }
  },
});
