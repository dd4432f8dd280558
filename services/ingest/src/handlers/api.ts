import { sqsClient } from "#shared/platform/aws-clients.js";
import { createApiHandler } from "#shared/platform/http/api-handler.js";
import { eventsQueue, resourceName } from "#shared/platform/resources.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { apiKeyResolver } from "#shared/store/organization-store.js";
import { createBatchEvents, createEvent, type EventSink } from "../events/ingest-routes.js";
import { packIntoMessages } from "../events/pack-messages.js";
import type { IngestRoute } from "../routes.js";

const enqueue: EventSink = async (organizationId, accepted) => {
  const { messages, events } = packIntoMessages(organizationId, accepted);
  await enqueueMessages(sqsClient(), resourceName(eventsQueue), messages);
  return events;
};

export const handler = createApiHandler<IngestRoute>({
  service: "ingest-api",
  resolveApiKey: apiKeyResolver(),
  routes: {
    "POST /api/v1/events": (request) => createEvent(request, enqueue),
    "POST /api/v1/events/batch": (request) => createBatchEvents(request, enqueue),
  },
});
