import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { z } from "zod";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { createLogger } from "#shared/platform/logger.js";
import { billingJobsQueue, resourceName } from "#shared/platform/resources.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { type ClockRun, enqueueDueSubscriptions } from "../billing/enqueue-due-subscriptions.js";
import { BillingScheduleStore } from "../store/billing-schedule-store.js";

const logger = createLogger("invoicing-clock");

/** The scheduler passes its scheduled time; the clock never reads the wall clock. */
const tick = z.object({
  now: z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString()),
});

let schedules: BillingScheduleStore | undefined;

export const handler = middy<unknown, ClockRun, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const { now } = tick.parse(event);
    schedules ??= new BillingScheduleStore();
    const run = await enqueueDueSubscriptions(now, schedules, async (jobs) => {
      await enqueueMessages(
        sqsClient(),
        resourceName(billingJobsQueue),
        jobs.map((job) => JSON.stringify(job)),
      );
    });
    logger.info("billing clock ran", { ...run });
    return run;
  });
