import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { z } from "zod";
import { DOMAIN_EVENT_SOURCES } from "#shared/contracts/domain-events.js";
import { eventBridgeClient } from "#shared/platform/aws-clients.js";
import { domainEventPublisher } from "#shared/platform/domain-event-publisher.js";
import { createLogger } from "#shared/platform/logger.js";
import { eventBus, resourceName } from "#shared/platform/resources.js";
import { EventStore } from "#shared/store/event-store.js";
import {
  type EventErrorsRun,
  type ReportEventErrorsDeps,
  reportEventErrors,
} from "../events/report-event-errors.js";

const logger = createLogger("aggregate-event-errors");

/** The scheduler passes its scheduled time; the job never reads the wall clock. */
const tick = z.object({
  now: z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString()),
});

let deps: ReportEventErrorsDeps | undefined;

/** Hourly: `events.errors` for each organization with errors in the hours just closed. */
export const handler = middy<unknown, EventErrorsRun, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const { now } = tick.parse(event);
    deps ??= {
      events: new EventStore(),
      publish: domainEventPublisher(
        eventBridgeClient(),
        resourceName(eventBus),
        DOMAIN_EVENT_SOURCES.aggregate,
      ),
    };
    const run = await reportEventErrors(deps, now);
    logger.info("events errors reported", { ...run });
    return run;
  });
