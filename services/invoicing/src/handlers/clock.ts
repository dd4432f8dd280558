import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { z } from "zod";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { createLogger } from "#shared/platform/logger.js";
import { billingJobsQueue, clockScansQueue, resourceName } from "#shared/platform/resources.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { draftReview } from "../billing/enqueue-due-drafts.js";
import { clockRunScans } from "../billing/scan-due-schedules.js";
import { overdueReview } from "../payments/mark-overdue-invoices.js";

const logger = createLogger("invoicing-clock");

/** The scheduler passes its scheduled time; the clock never reads the wall clock. */
const tick = z.object({
  now: z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString()),
});

export interface ClockRun {
  readonly now: string;
  readonly scans: number;
}

/**
 * The billing clock: hands the scan of each shard of the due index to its own invocation, and
 * the review of drafts and of invoices becoming overdue to invoicing's inbox.
 */
export const handler = middy<unknown, ClockRun, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const { now } = tick.parse(event);
    const scans = clockRunScans(now);
    await enqueueMessages(
      sqsClient(),
      resourceName(clockScansQueue),
      scans.map((scan) => JSON.stringify(scan)),
    );
    await enqueueMessages(sqsClient(), resourceName(billingJobsQueue), [
      JSON.stringify(draftReview(now)),
      JSON.stringify(overdueReview(now)),
    ]);
    const run = { now, scans: scans.length };
    logger.info("billing clock ran", { ...run });
    return run;
  });
