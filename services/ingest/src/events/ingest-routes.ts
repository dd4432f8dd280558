import { z } from "zod";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { rootParam } from "#shared/platform/http/api-handler.js";
import { type ErrorDetails, invalid, validationFailed } from "#shared/platform/http/errors.js";
import { type HttpResponse, json } from "#shared/platform/http/responses.js";
import { parseInput } from "#shared/platform/http/validation.js";
import { stringifyJson } from "#shared/platform/json/json-text.js";
import { acceptEvent, serializeAcceptedEvent } from "./accept-events.js";
import { type EncodedEvent, encodeEvent, eventTooLarge } from "./encode-event.js";
import { type EventInput, eventInput, MAX_BATCH_EVENTS } from "./event-input.js";

/**
 * Puts accepted events on the events queue, and answers them with their Lago ids; nothing is stored
 * before the consumer runs.
 */
export type EventSink = (organizationId: string, events: readonly EncodedEvent[]) => Promise<UsageEvent[]>;

/** One event of a request, validated and encoded, or what is wrong with it. */
function acceptOne(raw: unknown, request: ApiRequest): EncodedEvent | ErrorDetails {
  const parsed = parseInput(eventInput, raw);
  if (!parsed.success) return parsed.errorDetails;
  // The schema checks without converting, so the request's own object is what it validated:
  // reading it directly spares a copy of every event on the hot path (and a copy would drop a
  // `__proto__` property).
  const encoded = encodeEvent(acceptEvent(raw as EventInput, request.receivedAt), request.exactNumbers);
  return eventTooLarge(encoded) ? { properties: ["value_is_too_long"] } : encoded;
}

const isEncoded = (value: EncodedEvent | ErrorDetails): value is EncodedEvent => "json" in value;

/** The answer, with integers beyond 2^53 written as they came. */
const answer = (request: ApiRequest, body: unknown): HttpResponse =>
  json(200, body, (value) => stringifyJson(value, request.exactNumbers));

/** POST /events: one event, validated now, stored and aggregated asynchronously. */
export async function createEvent(request: ApiRequest, sink: EventSink): Promise<HttpResponse> {
  const accepted = acceptOne(rootParam(request.body, "event"), request);
  if (!isEncoded(accepted)) throw validationFailed(accepted);
  const [event] = await sink(request.organization.id, [accepted]);
  return answer(request, { event: serializeAcceptedEvent(event as UsageEvent) });
}

/** POST /events/batch: all or nothing; errors are keyed by the event's index, as Lago does. */
export async function createBatchEvents(request: ApiRequest, sink: EventSink): Promise<HttpResponse> {
  const body = request.body as { events?: unknown } | undefined;
  const list = z.array(z.unknown()).safeParse(body?.events);
  if (!list.success) throw invalid("events", "no_events");
  if (list.data.length === 0) throw invalid("events", "no_events");
  if (list.data.length > MAX_BATCH_EVENTS) throw invalid("events", "too_many_events");
  const errors: Record<string, ErrorDetails> = {};
  const accepted: EncodedEvent[] = [];
  list.data.forEach((raw, index) => {
    const one = acceptOne(raw, request);
    if (isEncoded(one)) accepted.push(one);
    else errors[String(index)] = one;
  });
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const events = await sink(request.organization.id, accepted);
  return answer(request, { events: events.map(serializeAcceptedEvent) });
}
