/** Invoicing as the integration tests drive it: its workers' dependencies, its inbox, its clock. */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import type { BillingDeps } from "../../services/invoicing/src/billing/close-due-periods.js";
import { eventBridgePublisher } from "../../services/invoicing/src/billing/domain-events.js";
import { enqueueDueSubscriptions } from "../../services/invoicing/src/billing/enqueue-due-subscriptions.js";
import { handler as worker } from "../../services/invoicing/src/handlers/billing-worker.js";
import { BillingScheduleStore } from "../../services/invoicing/src/store/billing-schedule-store.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { CloseDue } from "../../shared/src/contracts/invoicing-messages.js";
import { eventBridgeClient } from "../../shared/src/platform/aws-clients.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";
import { periodChargeFees } from "../../shared/src/usage/period-charge-fees.js";
import { testContext } from "./api-events.js";
import { sqsEvent } from "./sqs-events.js";

/** What the invoicing worker bills with, on the harness's tables and bus. */
export function billingDeps(): BillingDeps {
  const catalog = new CatalogStore();
  const events = new EventStore();
  return {
    catalog,
    organizations: new OrganizationStore(),
    invoices: new InvoiceStore(),
    schedules: new BillingScheduleStore(),
    chargeFees: (subscription, plan, window, timezone) =>
      periodChargeFees({ catalog, events, usage: new UsageStore() }, subscription, plan, window, timezone),
    publish: eventBridgePublisher(eventBridgeClient(), process.env.EVENT_BUS_NAME as string),
  };
}

/**
 * Hands every message waiting in invoicing's inbox (the catalog's subscription changes, late
 * usage, clock jobs) to the deployed worker handler, as Lambda's event source would, until empty.
 * Returns how many were handled.
 */
export async function deliverInvoicingInbox(): Promise<number> {
  const sqs = new SQSClient({});
  const QueueUrl = process.env.BILLING_JOBS_QUEUE_URL as string;
  let handled = 0;
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
      );
      if (Messages.length === 0) return handled;
      const event = sqsEvent(Messages.map((m) => ({ body: m.Body as string, messageId: m.MessageId })));
      const answer = (await worker(event, testContext())) as SQSBatchResponse;
      if (answer.batchItemFailures.length > 0)
        throw new Error(`invoicing worker failed on ${JSON.stringify(answer.batchItemFailures)}`);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
      handled += Messages.length;
    }
  } finally {
    sqs.destroy();
  }
}

/** The billing clock's jobs at `now` for one organization, not sent anywhere. */
export async function dueJobs(now: string, organizationId: string): Promise<CloseDue[]> {
  const jobs: CloseDue[] = [];
  await enqueueDueSubscriptions(now, new BillingScheduleStore(), async (batch) => {
    jobs.push(...batch);
  });
  return jobs.filter((job) => job.organizationId === organizationId);
}
