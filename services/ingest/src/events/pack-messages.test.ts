import { expect, it } from "vitest";
import { eventsMessage } from "#shared/contracts/events-message.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import { encodeEvent } from "./encode-event.js";
import { MAX_MESSAGE_BYTES, packIntoMessages } from "./pack-messages.js";

const event = (i: number, blob = ""): Omit<UsageEvent, "lagoId"> => ({
  transactionId: `t${i}`,
  externalSubscriptionId: "s",
  code: "c",
  timestamp: "2026-01-01T00:00:00.000Z",
  properties: { blob, quote: 'a "quoted" é value' },
  preciseTotalAmountCents: null,
  receivedAt: "2026-01-01T00:00:00.000Z",
});

it("writes messages that parse back to the events, with the same Lago ids, each once, under the limit", () => {
  const accepted = Array.from({ length: 300 }, (_, i) => event(i, "x".repeat(3000)));
  let unit = 0;
  const { messages, events } = packIntoMessages(
    "org",
    accepted.map((e) => encodeEvent(e, false)),
    () => `${String(unit++).padStart(8, "0")}-0000-4000-8000-000000000000`,
  );
  expect(messages.length).toBe(4);
  const parsed = messages.map((message) => eventsMessage.parse(JSON.parse(message)));
  expect(parsed.flatMap((m) => m.events)).toEqual(events);
  expect(events.map(({ lagoId, ...rest }) => rest)).toEqual(accepted);
  expect(new Set(events.map((e) => e.lagoId)).size).toBe(300);
  // The unit's UUID with the event's index in its last four hex digits.
  expect(events.slice(0, 2).map((e) => e.lagoId)).toEqual([
    "00000000-0000-4000-8000-000000000000",
    "00000000-0000-4000-8000-000000000001",
  ]);
  for (const message of messages)
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES + 200);
});

it("keeps events received at different times in different messages", () => {
  const { messages } = packIntoMessages(
    "org",
    [event(1), { ...event(2), receivedAt: "2026-01-01T00:00:01.000Z" }].map((e) => encodeEvent(e, false)),
  );
  expect(messages).toHaveLength(2);
});
