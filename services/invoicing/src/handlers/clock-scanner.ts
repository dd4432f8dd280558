import { clockScan } from "#shared/contracts/clock-scan.js";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { billingJobsQueue, clockScansQueue, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { scanDueSchedules } from "../billing/scan-due-schedules.js";
import { BillingScheduleStore } from "../store/billing-schedule-store.js";

let schedules: BillingScheduleStore | undefined;

export const handler = createQueueConsumer({
  service: "invoicing-clock-scanner",
  message: clockScan,
  handleMessage: async (scan) => {
    schedules ??= new BillingScheduleStore();
    await scanDueSchedules(scan, schedules, {
      jobs: async (jobs) => {
        await enqueueMessages(
          sqsClient(),
          resourceName(billingJobsQueue),
          jobs.map((job) => JSON.stringify(job)),
        );
      },
      scan: async (next) => {
        await enqueueMessages(sqsClient(), resourceName(clockScansQueue), [JSON.stringify(next)]);
      },
    });
  },
});
