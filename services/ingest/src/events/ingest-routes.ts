import { z } from "zod";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { rootParam } from "#shared/platform/http/api-handler.js";
import { type ErrorDetails, invalid, validationFailed } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseInput, parseOrReject } from "#shared/platform/http/validation.js";
import { acceptEvent, serializeAcceptedEvent } from "./accept-events.js";
import { type EventInput, eventInput, MAX_BATCH_EVENTS } from "./event-input.js";

/**
 * Puts accepted events on the events queue, and answers them with their Lago ids; nothing is stored
 * before the consumer runs.
 */
export type EventSink = (
  organizationId: string,
  events: readonly Omit<UsageEvent, "lagoId">[],
) => Promise<UsageEvent[]>;

/** POST /events: one event, validated now, stored and aggregated asynchronously. */
export async function createEvent(request: ApiRequest, sink: EventSink): Promise<HttpResponse> {
  const input = parseOrReject(eventInput, rootParam(request.body, "event"));
  const [event] = await sink(request.organization.id, [acceptEvent(input, request.receivedAt)]);
  return ok({ event: serializeAcceptedEvent(event as UsageEvent) });
}

/** POST /events/batch: all or nothing; errors are keyed by the event's index, as Lago does. */
export async function createBatchEvents(request: ApiRequest, sink: EventSink): Promise<HttpResponse> {
  const body = request.body as { events?: unknown } | undefined;
  const list = z.array(z.unknown()).safeParse(body?.events);
  if (!list.success) throw invalid("events", "no_events");
  if (list.data.length === 0) throw invalid("events", "no_events");
  if (list.data.length > MAX_BATCH_EVENTS) throw invalid("events", "too_many_events");
  const errors: Record<string, ErrorDetails> = {};
  const accepted: Array<Omit<UsageEvent, "lagoId">> = [];
  list.data.forEach((raw, index) => {
    const parsed = parseInput(eventInput, raw);
    // The schema checks without converting, so the request's own object is what it validated:
    // reading it directly spares a copy of every event on the hot path.
    if (parsed.success) accepted.push(acceptEvent(raw as EventInput, request.receivedAt));
    else errors[String(index)] = parsed.errorDetails;
  });
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const events = await sink(request.organization.id, accepted);
  return ok({ events: events.map(serializeAcceptedEvent) });
}
