import { expect, it } from "vitest";
import { eventsMessage } from "#shared/contracts/events-message.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import { MAX_MESSAGE_BYTES, packIntoMessages } from "./pack-messages.js";

const event = (i: number, blob = ""): UsageEvent => ({
  lagoId: `l${i}`,
  transactionId: `t${i}`,
  externalSubscriptionId: "s",
  code: "c",
  timestamp: "2026-01-01T00:00:00.000Z",
  properties: { blob, quote: 'a "quoted" é value' },
  preciseTotalAmountCents: null,
  receivedAt: "2026-01-01T00:00:00.000Z",
});

it("writes messages that parse back to the events, each event once, each message under the limit", () => {
  const events = Array.from({ length: 300 }, (_, i) => event(i, "x".repeat(3000)));
  let unit = 0;
  const messages = packIntoMessages("org", events, () => `u${unit++}`);
  expect(messages.length).toBe(4);
  const parsed = messages.map((message) => eventsMessage.parse(JSON.parse(message)));
  expect(parsed.flatMap((m) => m.events)).toEqual(events);
  expect(parsed.map((m) => m.unitId)).toEqual(["u0", "u1", "u2", "u3"]);
  for (const message of messages)
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES + 200);
});
