/**
 * The local runtime's stand-ins for AWS-managed parts: the SQS event source (partial failures,
 * redelivery, dead-letter queue), drain, and the local control routes.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../../infra/local/runtime.js";
import { eventsQueue } from "../../shared/src/platform/resources.js";

let runtime: LocalRuntime;
let sqs: SQSClient;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    clock: "manual",
    retryDelaySeconds: 0,
    resourcePrefix: "rt",
    log: () => undefined,
  });
  sqs = new SQSClient({});
});
afterAll(async () => {
  sqs?.destroy();
  await runtime?.stop();
});

const post = async (path: string, body?: string, method = "POST") => {
  const response = await fetch(`${runtime.url}${path}`, { method, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function visibleIn(queueName: string): Promise<number> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

describe("queue consumers", () => {
  it("moves a poison message to the dead-letter queue after the queue's receive limit, then drains", async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: process.env.EVENTS_QUEUE_URL, MessageBody: '{"poison": true}' }),
    );
    const deadline = Date.now() + 30_000;
    while ((await visibleIn(`rt-${eventsQueue.id}-dlq`)) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await visibleIn(`rt-${eventsQueue.id}-dlq`)).toBe(1);
    expect((await post("/_local/drain")).body).toEqual({ drained: true });
    expect(await visibleIn(`rt-${eventsQueue.id}`)).toBe(0);
  });
});

describe("local control routes", () => {
  it("refuses a tick without a valid instant, changing nothing", async () => {
    expect(await post("/_local/tick", JSON.stringify({ now: "tomorrow" }))).toEqual({
      status: 422,
      body: {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { now: ["invalid_date"] },
      },
    });
    expect((await post("/_local/tick", "{oops")).status).toBe(400);
  });

  it("creates organizations whose key works at once, and refuses a nameless one", async () => {
    const created = await post("/_local/organizations", JSON.stringify({ name: "Initech" }));
    expect(created.status).toBe(200);
    expect(created.body.organization).toMatchObject({ name: "Initech" });
    const organization = await fetch(`${runtime.apiUrl}/organizations`, {
      headers: { authorization: `Bearer ${created.body.api_key}` },
    });
    expect(((await organization.json()) as { organization: { name: string } }).organization.name).toBe(
      "Initech",
    );
    expect((await post("/_local/organizations", JSON.stringify({}))).status).toBe(422);
  });

  it("answers unknown control paths and methods", async () => {
    expect((await post("/_local/nothing")).status).toBe(404);
    expect((await post("/_local/drain", undefined, "GET")).status).toBe(405);
  });

  it("routes like API Gateway: most specific route, path parameters, Lago's 404 elsewhere", async () => {
    const auth = { authorization: `Bearer ${runtime.apiKey}` };
    const customer = await fetch(`${runtime.apiUrl}/customers/${encodeURIComponent("a b#1")}`, {
      headers: auth,
    });
    expect(await customer.json()).toEqual({ status: 404, error: "Not Found", code: "customer_not_found" });
    const unknown = await fetch(`${runtime.apiUrl}/no/such/route`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ status: 404, error: "Not Found", code: "route_not_found" });
  });
});
