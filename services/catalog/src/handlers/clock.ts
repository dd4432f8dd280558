import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { z } from "zod";
import type { SubscriptionChanged } from "#shared/contracts/invoicing-messages.js";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { createLogger } from "#shared/platform/logger.js";
import { billingJobsQueue, resourceName } from "#shared/platform/resources.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { catalogEventPublisher } from "../events/catalog-publisher.js";
import { type CatalogClockRun, runCatalogClock } from "../lifecycle/run-catalog-clock.js";
import { enqueueProviderCustomers } from "../provider-customers/provider-customers-queue.js";

const logger = createLogger("catalog-clock");

/** The scheduler passes its scheduled time; the clock never reads the wall clock. */
const tick = z.object({
  now: z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString()),
});

let deps: CatalogDeps | undefined;

export const handler = middy<unknown, CatalogClockRun, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const { now } = tick.parse(event);
    deps ??= {
      catalog: new CatalogStore(),
      organizations: new OrganizationStore(),
      notifyInvoicing: async (changes: readonly SubscriptionChanged[]) => {
        await enqueueMessages(
          sqsClient(),
          resourceName(billingJobsQueue),
          changes.map((change) => JSON.stringify(change)),
        );
      },
      publish: catalogEventPublisher(),
      requestProviderCustomers: enqueueProviderCustomers,
    };
    const run = await runCatalogClock(deps, now);
    logger.info("catalog clock ran", { ...run });
    return run;
  });
