import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { handler as ingestApi } from "../../services/ingest/src/handlers/api.js";
import { type EventsMessage, eventsMessage } from "../../shared/src/contracts/events-message.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";

let aws: AwsHarness;
let apiKey: string;
let organizationId: string;
let sqs: SQSClient;

beforeAll(async () => {
  aws = await startAwsHarness();
  sqs = new SQSClient({});
  const created = await createOrganization(new OrganizationStore(), {
    name: "Ingest",
    now: new Date().toISOString(),
  });
  apiKey = created.apiKey;
  organizationId = created.organization.id;
});
afterAll(async () => {
  sqs.destroy();
  await aws.stop();
});

/** Takes every message off the events queue, so each test sees only what it enqueued. */
async function takeQueued(): Promise<EventsMessage[]> {
  const messages: EventsMessage[] = [];
  const QueueUrl = process.env.EVENTS_QUEUE_URL as string;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return messages;
    for (const message of Messages) {
      expect(Buffer.byteLength(message.Body ?? "")).toBeLessThanOrEqual(256 * 1024);
      messages.push(eventsMessage.parse(JSON.parse(message.Body ?? "")));
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
}

beforeEach(async () => {
  await takeQueued();
});

const AT = "2026-11-20T10:00:00.000Z";
const post = (routeKey: string, body: unknown, key: string | undefined = apiKey) =>
  invoke(ingestApi, routeKey, { apiKey: key, body, at: AT });

describe("POST /events", () => {
  it("accepts an event, answers Lago's shape and enqueues it for its organization", async () => {
    const answer = await post("POST /api/v1/events", {
      event: {
        transaction_id: "tx-1",
        external_subscription_id: "sub-1",
        code: "calls",
        timestamp: 1_700_000_000,
        properties: { region: "eu" },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.event).toMatchObject({
      transaction_id: "tx-1",
      external_subscription_id: "sub-1",
      code: "calls",
      timestamp: "2023-11-14T22:13:20.000Z",
      properties: { region: "eu" },
      lago_subscription_id: null,
      created_at: AT,
    });
    const [message, ...rest] = await takeQueued();
    expect(rest).toEqual([]);
    expect(message?.organizationId).toBe(organizationId);
    expect(message?.events.map((e) => e.transactionId)).toEqual(["tx-1"]);
  });

  it("takes timestamps as integer, float or numeric string seconds, and reception time by default", async () => {
    const stamps: unknown[] = [1_700_000_000, 1_700_000_000.5, "1700000000.25", undefined];
    const answers = await Promise.all(
      stamps.map((timestamp, i) =>
        post("POST /api/v1/events", {
          event: { transaction_id: `ts-${i}`, external_subscription_id: "s", code: "c", timestamp },
        }),
      ),
    );
    expect(answers.map((a) => (a.body.event as { timestamp: string }).timestamp)).toEqual([
      "2023-11-14T22:13:20.000Z",
      "2023-11-14T22:13:20.500Z",
      "2023-11-14T22:13:20.250Z",
      AT,
    ]);
  });

  it("refuses bad input with Lago's error bodies and enqueues nothing", async () => {
    const missingRoot = await post("POST /api/v1/events", { transaction_id: "x" });
    expect(missingRoot).toEqual({
      status: 400,
      body: { status: 400, error: "BadRequest: param is missing or the value is empty: event" },
    });
    const invalid = await post("POST /api/v1/events", {
      event: { external_subscription_id: "s", code: "c", timestamp: "yesterday" },
    });
    expect(invalid).toEqual({
      status: 422,
      body: {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { transaction_id: ["value_is_mandatory"], timestamp: ["invalid_format"] },
      },
    });
    const malformed = await invoke(ingestApi, "POST /api/v1/events", { apiKey, rawBody: "{oops" });
    expect(malformed.status).toBe(400);
    const anonymous = await invoke(ingestApi, "POST /api/v1/events", { rawBody: "{oops" });
    expect(anonymous).toEqual({ status: 401, body: { status: 401, error: "Unauthorized" } });
    const wrongKey = await post("POST /api/v1/events", { event: {} }, "not-a-key");
    expect(wrongKey.status).toBe(401);
    expect(await takeQueued()).toEqual([]);
  });
});

describe("POST /events/batch", () => {
  const batch = (count: number, size = 0) =>
    Array.from({ length: count }, (_, i) => ({
      transaction_id: `b-${i}`,
      external_subscription_id: "sub-1",
      code: "calls",
      properties: size ? { blob: "x".repeat(size) } : {},
    }));

  it("packs a batch of 100 small events into one message", async () => {
    const answer = await post("POST /api/v1/events/batch", { events: batch(100) });
    expect(answer.status).toBe(200);
    expect(answer.body.events).toHaveLength(100);
    const messages = await takeQueued();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.events).toHaveLength(100);
  });

  it("splits events too large for one message across as few messages as fit", async () => {
    await post("POST /api/v1/events/batch", { events: batch(100, 6_000) });
    const messages = await takeQueued();
    // 100 × ~6.2 KB ≈ 620 KB: three messages under SQS's 256 KiB, every event exactly once.
    expect(messages).toHaveLength(3);
    expect(messages.flatMap((m) => m.events.map((e) => e.transactionId)).sort()).toEqual(
      batch(100)
        .map((e) => e.transaction_id)
        .sort(),
    );
    expect(new Set(messages.map((m) => m.unitId)).size).toBe(3);
  });

  it("refuses empty and oversized batches, and reports bad events by index, enqueuing nothing", async () => {
    expect((await post("POST /api/v1/events/batch", { events: [] })).body.error_details).toEqual({
      events: ["no_events"],
    });
    expect((await post("POST /api/v1/events/batch", {})).body.error_details).toEqual({
      events: ["no_events"],
    });
    expect((await post("POST /api/v1/events/batch", { events: batch(101) })).body.error_details).toEqual({
      events: ["too_many_events"],
    });
    const events = batch(3);
    const answer = await post("POST /api/v1/events/batch", {
      events: [events[0], { ...events[1], code: "" }, { ...events[2], timestamp: "soon" }],
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error_details).toEqual({
      "1": { code: ["value_is_mandatory"] },
      "2": { timestamp: ["invalid_format"] },
    });
    expect(await takeQueued()).toEqual([]);
  });
});
