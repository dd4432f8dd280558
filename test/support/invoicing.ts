/** Invoicing as the integration tests drive it: its workers' dependencies, its inbox, its clock. */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import type { BillingDeps } from "../../services/invoicing/src/billing/close-due-periods.js";
import { eventBridgePublisher } from "../../services/invoicing/src/billing/domain-events.js";
import { clockRunScans, scanDueSchedules } from "../../services/invoicing/src/billing/scan-due-schedules.js";
import { handler as worker } from "../../services/invoicing/src/handlers/billing-worker.js";
import { handler as scanner } from "../../services/invoicing/src/handlers/clock-scanner.js";
import { handler as documentsRenderer } from "../../services/invoicing/src/handlers/documents-renderer.js";
import { arrearsChargeFees } from "../../services/invoicing/src/handlers/invoice-change-deps.js";
import { BillingScheduleStore } from "../../services/invoicing/src/store/billing-schedule-store.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { ClockScan } from "../../shared/src/contracts/clock-scan.js";
import type { CloseDue } from "../../shared/src/contracts/invoicing-messages.js";
import { eventBridgeClient } from "../../shared/src/platform/aws-clients.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";
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
    chargeFees: arrearsChargeFees({ catalog, events, usage: new UsageStore() }),
    publish: eventBridgePublisher(eventBridgeClient(), process.env.EVENT_BUS_NAME as string),
  };
}

type QueueHandler = (
  event: ReturnType<typeof sqsEvent>,
  context: ReturnType<typeof testContext>,
) => Promise<unknown>;

/** Hands every message waiting in a queue to its consumer's handler, as Lambda would, until empty. */
async function deliverQueue(queueUrl: string, handle: QueueHandler, name: string): Promise<number> {
  const sqs = new SQSClient({});
  let handled = 0;
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      if (Messages.length === 0) return handled;
      const event = sqsEvent(Messages.map((m) => ({ body: m.Body as string, messageId: m.MessageId })));
      const answer = (await handle(event, testContext())) as SQSBatchResponse;
      if (answer.batchItemFailures.length > 0)
        throw new Error(`${name} failed on ${JSON.stringify(answer.batchItemFailures)}`);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
      handled += Messages.length;
    }
  } finally {
    sqs.destroy();
  }
}

/**
 * Hands every message waiting in invoicing's inbox (the catalog's subscription changes, late
 * usage, clock jobs) to the deployed worker handler, until empty. Returns how many were handled.
 */
export function deliverInvoicingInbox(): Promise<number> {
  return deliverQueue(process.env.BILLING_JOBS_QUEUE_URL as string, worker, "invoicing worker");
}

/** Hands the billing clock's scans to the deployed scanner handler, until none is left. */
export function deliverClockScans(): Promise<number> {
  return deliverQueue(process.env.CLOCK_SCANS_QUEUE_URL as string, scanner, "clock scanner");
}

/** Hands every document waiting in the documents queue to the deployed renderer, until none is left. */
export function deliverDocuments(): Promise<number> {
  return deliverQueue(process.env.DOCUMENTS_QUEUE_URL as string, documentsRenderer, "documents renderer");
}

/** The billing clock's jobs at `now` for one organization, not sent anywhere. */
export async function dueJobs(now: string, organizationId: string): Promise<CloseDue[]> {
  const jobs: CloseDue[] = [];
  const scans: ClockScan[] = clockRunScans(now);
  for (let scan = scans.pop(); scan; scan = scans.pop()) {
    await scanDueSchedules(scan, new BillingScheduleStore(), {
      jobs: async (batch) => {
        jobs.push(...batch);
      },
      scan: async (next) => {
        scans.push(next);
      },
    });
  }
  return jobs.filter((job) => job.organizationId === organizationId);
}
