/**
 * Webhook delivery against a real moto_server: domain events reach the webhook events queue by the
 * bus rule, the dispatcher makes one delivery per subscribed endpoint, the deliverer POSTs them,
 * signed, to a local receiver scripted to fail, hang or answer, and the webhooks API lists and
 * resends them.
 */
import { createHmac, randomUUID } from "node:crypto";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { importSPKI, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { deliverWebhook } from "../../services/webhooks/src/delivery/deliver-webhook.js";
import { busEvent } from "../../services/webhooks/src/dispatch/bus-event.js";
import { fanOutWebhook } from "../../services/webhooks/src/dispatch/fan-out-webhook.js";
import { handler as webhooksApi } from "../../services/webhooks/src/handlers/api.js";
import { handler as dispatcher } from "../../services/webhooks/src/handlers/dispatcher.js";
import { deliverDeps } from "../../services/webhooks/src/handlers/webhook-deps.js";
import { WebhookStore } from "../../services/webhooks/src/store/webhook-store.js";
import { DOMAIN_EVENT_SOURCES } from "../../shared/src/contracts/domain-events.js";
import { documentClient, eventBridgeClient } from "../../shared/src/platform/aws-clients.js";
import { domainEventPublisher } from "../../shared/src/platform/domain-event-publisher.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { apiEvent, invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { seedCatalog } from "../support/catalog-fixture.js";
import { deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import {
  deadLetteredWebhooks,
  deliverWebhookEvents,
  deliverWebhooks,
  receive,
  receivedEvent,
} from "../support/webhooks.js";

let aws: AwsHarness;
let receiver: WebhookReceiver;
const AT = "2026-03-01T00:00:00Z";
const TIMEOUT_MS = 1500;

beforeAll(async () => {
  // Short attempts and no backoff, so four attempts take well under a second or two.
  process.env.WEBHOOK_TIMEOUT_MS = String(TIMEOUT_MS);
  process.env.WEBHOOK_BACKOFF_SCALE = "0";
  process.env.LAGO_WEBHOOK_ATTEMPTS = "4";
  process.env.LAGO_API_URL = "https://billing.test/api/v1";
  aws = await startAwsHarness({ webhooks: true });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.stop();
  await aws.stop();
});

async function organization(name: string) {
  const made = await createOrganization(new OrganizationStore(), { name, now: AT });
  return { apiKey: made.apiKey, organizationId: made.organization.id, hmacKey: made.organization.hmacKey };
}

async function endpoint(apiKey: string, path: string, fields: Record<string, unknown> = {}): Promise<string> {
  const answer = await invoke(catalogApi, "POST /api/v1/webhook_endpoints", {
    apiKey,
    at: AT,
    body: { webhook_endpoint: { webhook_url: `${receiver.url}${path}`, ...fields } },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body.webhook_endpoint as { lago_id: string }).lago_id;
}

/** Publishes a domain event as a producer does, through the real bus and its rule. */
async function publish(organizationId: string, type: string, uniqueKey: string, objectId = randomUUID()) {
  const publisher = domainEventPublisher(
    eventBridgeClient(),
    process.env.EVENT_BUS_NAME as string,
    DOMAIN_EVENT_SOURCES.invoicing,
  );
  await publisher(
    type,
    organizationId,
    { object_type: "invoice", invoice: { lago_id: objectId } },
    uniqueKey,
  );
}

interface Listed {
  lago_id: string;
  status: string;
  retries: number;
  unique_key: string;
  webhook_type: string;
  attempts: Array<{
    attempt: number;
    series: number;
    status: string;
    http_status: number | null;
    error: string | null;
  }>;
}

async function listed(
  apiKey: string,
  endpointId: string,
  query = "",
): Promise<{ status: number; body: Record<string, unknown> }> {
  return invoke(webhooksApi, "GET /api/v1/webhook_endpoints/{lago_id}/webhooks", {
    apiKey,
    params: { lago_id: endpointId },
    query,
  });
}

async function deliveriesOf(apiKey: string, endpointId: string): Promise<Listed[]> {
  const answer = await listed(apiKey, endpointId);
  expect(answer.status).toBe(200);
  return answer.body.webhooks as Listed[];
}

async function publicKey(apiKey: string): Promise<string> {
  const result = (await webhooksApi(
    apiEvent("GET /api/v1/webhooks/public_key", { apiKey }),
    testContext(),
  )) as APIGatewayProxyStructuredResultV2;
  expect(result.statusCode).toBe(200);
  return Buffer.from(String(result.body), "base64").toString("utf8");
}

describe("webhook delivery", () => {
  it("sends a finalized invoice's invoice.created to each endpoint once, hmac- and jwt-signed as Lago signs", async () => {
    const seeded = await seedCatalog({ name: "Signed", subscriptionAt: "2026-05-01T00:00:00Z" });
    const hmacKey = (await new OrganizationStore().get(seeded.organizationId))?.hmacKey as string;
    const hmacEndpoint = await endpoint(seeded.apiKey, "/signed/hmac", { signature_algo: "hmac" });
    const jwtEndpoint = await endpoint(seeded.apiKey, "/signed/jwt", { signature_algo: "jwt" });
    await deliverInvoicingInbox();
    await clock({ now: "2026-06-01T00:00:00.000Z" }, testContext());
    await deliverClockScans();
    await deliverInvoicingInbox();
    await deliverWebhooks();
    // Delivered again: nothing more is sent.
    await deliverWebhooks();

    const created = (path: string) =>
      receiver
        .received(path)
        .filter((request) => JSON.parse(request.body).webhook_type === "invoice.created");
    const [viaHmac] = created("/signed/hmac");
    const [viaJwt] = created("/signed/jwt");
    expect(created("/signed/hmac")).toHaveLength(1);
    expect(created("/signed/jwt")).toHaveLength(1);
    for (const request of [viaHmac, viaJwt]) {
      const body = JSON.parse(request?.body ?? "{}");
      expect(Object.keys(body).sort()).toEqual(["invoice", "object_type", "organization_id", "webhook_type"]);
      expect(body).toMatchObject({
        webhook_type: "invoice.created",
        object_type: "invoice",
        organization_id: seeded.organizationId,
        invoice: { status: "finalized", total_amount_cents: expect.any(Number) },
      });
      expect(request?.method).toBe("POST");
      expect(request?.headers["content-type"]).toBe("application/json");
    }
    // The same event, one unique key, on both.
    expect(viaHmac?.headers["x-lago-unique-key"]).toBeTruthy();
    expect(viaJwt?.headers["x-lago-unique-key"]).toBe(viaHmac?.headers["x-lago-unique-key"]);

    expect(viaHmac?.headers["x-lago-signature-algorithm"]).toBe("hmac");
    expect(viaHmac?.headers["x-lago-signature"]).toBe(
      createHmac("sha256", hmacKey)
        .update(viaHmac?.body ?? "")
        .digest("base64"),
    );
    expect(viaHmac?.headers["x-lago-signature"]).not.toBe(
      createHmac("sha256", hmacKey).update(`${viaHmac?.body} `).digest("base64"),
    );

    expect(viaJwt?.headers["x-lago-signature-algorithm"]).toBe("jwt");
    const key = await importSPKI(await publicKey(seeded.apiKey), "RS256");
    const { payload } = await jwtVerify(String(viaJwt?.headers["x-lago-signature"]), key, {
      issuer: "https://billing.test/api/v1",
    });
    expect(payload.data).toBe(viaJwt?.body);

    for (const endpointId of [hmacEndpoint, jwtEndpoint]) {
      const list = (await deliveriesOf(seeded.apiKey, endpointId)).filter(
        (d) => d.webhook_type === "invoice.created",
      );
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({
        status: "succeeded",
        retries: 0,
        unique_key: viaHmac?.headers["x-lago-unique-key"],
      });
      expect(list[0]?.attempts).toMatchObject([
        { series: 0, attempt: 1, status: "succeeded", http_status: 200 },
      ]);
    }
  });

  it("retries after two 500s and a timeout, then succeeds, each attempt listed", async () => {
    const org = await organization("Retries");
    const endpointId = await endpoint(org.apiKey, "/flaky", { signature_algo: "hmac" });
    receiver.script(
      "/flaky",
      { status: 500, body: "boom" },
      { status: 500, body: "x".repeat(5000) },
      { hang: true },
    );
    await publish(org.organizationId, "invoice.voided", `retry-${randomUUID()}`);
    await deliverWebhooks();

    const requests = receiver.received("/flaky");
    expect(requests).toHaveLength(4);
    // The same bytes, the same signature and unique key, at every attempt.
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    expect(new Set(requests.map((r) => r.headers["x-lago-unique-key"])).size).toBe(1);
    expect(new Set(requests.map((r) => r.headers["x-lago-signature"])).size).toBe(1);

    const [delivery] = await deliveriesOf(org.apiKey, endpointId);
    expect(delivery).toMatchObject({ status: "succeeded", retries: 3 });
    expect(delivery?.attempts.map((a) => [a.attempt, a.status, a.http_status])).toEqual([
      [1, "failed", 500],
      [2, "failed", 500],
      [3, "failed", null],
      [4, "succeeded", 200],
    ]);
    const attempts = delivery?.attempts as unknown as Array<Record<string, unknown>>;
    expect(attempts[0]?.response).toBe("boom");
    expect(String(attempts[1]?.response)).toHaveLength(1000);
    expect(attempts[2]?.error).toBe(`timed out after ${TIMEOUT_MS} ms`);
    expect(Number(attempts[2]?.duration_ms)).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it("dead-letters a delivery past its last attempt, and resends it on request", async () => {
    const org = await organization("Dead");
    const endpointId = await endpoint(org.apiKey, "/down", { signature_algo: "hmac" });
    receiver.script("/down", ...Array.from({ length: 4 }, () => ({ status: 503 })));
    await publish(org.organizationId, "invoice.voided", `dead-${randomUUID()}`);
    await deliverWebhooks();

    expect(receiver.received("/down")).toHaveLength(4);
    const [failed] = await deliveriesOf(org.apiKey, endpointId);
    expect(failed).toMatchObject({ status: "failed", retries: 3 });
    const dead = (await deadLetteredWebhooks()).map((m) => JSON.parse(m.Body ?? "{}"));
    expect(dead).toContainEqual({
      kind: "dead_letter",
      organizationId: org.organizationId,
      deliveryId: failed?.lago_id,
      series: 0,
    });

    const retried = await invoke(webhooksApi, "POST /api/v1/webhooks/{lago_id}/retry", {
      apiKey: org.apiKey,
      params: { lago_id: failed?.lago_id as string },
      at: "2026-03-02T00:00:00Z",
    });
    expect(retried.status).toBe(200);
    expect(retried.body.webhook).toMatchObject({ lago_id: failed?.lago_id, status: "pending" });
    await deliverWebhooks();
    const requests = receiver.received("/down");
    expect(requests).toHaveLength(5);
    expect(requests[4]?.body).toBe(requests[0]?.body);
    expect(requests[4]?.headers["x-lago-unique-key"]).toBe(requests[0]?.headers["x-lago-unique-key"]);
    const [resent] = await deliveriesOf(org.apiKey, endpointId);
    expect(resent?.status).toBe("succeeded");
    expect(resent?.attempts.at(-1)).toMatchObject({ series: 1, attempt: 1, status: "succeeded" });

    // A succeeded delivery is not resent; unknown ids and filters answer in Lago's shape.
    const again = await invoke(webhooksApi, "POST /api/v1/webhooks/{lago_id}/retry", {
      apiKey: org.apiKey,
      params: { lago_id: failed?.lago_id as string },
    });
    expect(again).toEqual({
      status: 405,
      body: { status: 405, error: "Method Not Allowed", code: "is_succeeded" },
    });
    expect(
      await invoke(webhooksApi, "POST /api/v1/webhooks/{lago_id}/retry", {
        apiKey: org.apiKey,
        params: { lago_id: randomUUID() },
      }),
    ).toEqual({ status: 404, body: { status: 404, error: "Not Found", code: "webhook_not_found" } });
    expect(await listed(org.apiKey, randomUUID())).toEqual({
      status: 404,
      body: { status: 404, error: "Not Found", code: "webhook_endpoint_not_found" },
    });
    expect(await listed(org.apiKey, endpointId, "status=lost")).toMatchObject({
      status: 422,
      body: { code: "validation_errors", error_details: { status: ["value_is_invalid"] } },
    });
    // Another organization's delivery is not found.
    const other = await organization("Other");
    expect(
      (
        await invoke(webhooksApi, "POST /api/v1/webhooks/{lago_id}/retry", {
          apiKey: other.apiKey,
          params: { lago_id: failed?.lago_id as string },
        })
      ).status,
    ).toBe(404);
  });

  it("resends a dead-lettered delivery put back by a redrive", async () => {
    const org = await organization("Redriven");
    const endpointId = await endpoint(org.apiKey, "/redrive", { signature_algo: "hmac" });
    receiver.script("/redrive", ...Array.from({ length: 4 }, () => ({ status: 500 })));
    await publish(org.organizationId, "invoice.voided", `redrive-${randomUUID()}`);
    await deliverWebhooks();
    const [failed] = await deliveriesOf(org.apiKey, endpointId);
    const dead = (await deadLetteredWebhooks()).find(
      (m) => JSON.parse(m.Body ?? "{}").deliveryId === failed?.lago_id,
    );
    expect(dead).toBeDefined();
    // What a redrive does: the body, unchanged, back on the deliveries queue.
    const sqs = new SQSClient({});
    await sqs.send(
      new SendMessageCommand({ QueueUrl: process.env.WEBHOOK_DELIVERIES_QUEUE_URL, MessageBody: dead?.Body }),
    );
    await sqs.send(
      new SendMessageCommand({ QueueUrl: process.env.WEBHOOK_DELIVERIES_QUEUE_URL, MessageBody: dead?.Body }),
    );
    sqs.destroy();
    await deliverWebhooks();
    // Redriven twice, resent once.
    expect(receiver.received("/redrive")).toHaveLength(5);
    const [resent] = await deliveriesOf(org.apiKey, endpointId);
    expect(resent).toMatchObject({ status: "succeeded" });
  });

  it("sends an endpoint subscribed to one type only that type; the others get all", async () => {
    const org = await organization("Subscribed");
    await endpoint(org.apiKey, "/only-voided", { signature_algo: "hmac", event_types: ["invoice.voided"] });
    await endpoint(org.apiKey, "/everything", { signature_algo: "hmac" });
    await publish(org.organizationId, "invoice.created", `sub-${randomUUID()}`);
    await publish(org.organizationId, "invoice.voided", `sub-${randomUUID()}`);
    await deliverWebhooks();
    const types = (path: string) =>
      receiver
        .received(path)
        .map((r) => JSON.parse(r.body).webhook_type)
        .sort();
    expect(types("/only-voided")).toEqual(["invoice.voided"]);
    expect(types("/everything")).toEqual(["invoice.created", "invoice.voided"]);
  });

  it("makes one delivery per endpoint of a bus event delivered twice or published twice", async () => {
    const org = await organization("Twice");
    const a = await endpoint(org.apiKey, "/twice/a", { signature_algo: "hmac" });
    const b = await endpoint(org.apiKey, "/twice/b", { signature_algo: "jwt" });
    const key = `twice-${randomUUID()}`;
    const objectId = randomUUID();
    await publish(org.organizationId, "invoice.created", key, objectId);
    // The bus event, as SQS gives it, handed to the dispatcher twice (a redelivery).
    const [message] = await receive(process.env.WEBHOOK_EVENTS_QUEUE_URL as string, 0);
    expect(message).toBeDefined();
    for (let i = 0; i < 2; i++) await dispatcher(receivedEvent([message as never]), testContext());
    // And published again by a producer's outbox, with the same unique key.
    await publish(org.organizationId, "invoice.created", key, objectId);
    await deliverWebhooks();
    expect(receiver.received("/twice/a")).toHaveLength(1);
    expect(receiver.received("/twice/b")).toHaveLength(1);
    for (const endpointId of [a, b]) expect(await deliveriesOf(org.apiKey, endpointId)).toHaveLength(1);
  });

  it("reads an organization's endpoints once per dispatcher batch, and afresh for the next batch", async () => {
    const org = await organization("Batched");
    await endpoint(org.apiKey, "/batched/first");
    for (let i = 0; i < 3; i++)
      await publish(org.organizationId, "invoice.created", `batched-${randomUUID()}`);
    let endpointReads = 0;
    // Counts the catalog queries for this organization's webhook endpoints, as DynamoDB gets them.
    documentClient().middlewareStack.add(
      (next) => async (args) => {
        const input = JSON.stringify(args.input);
        if (input.includes("webhook_endpoint") && input.includes(org.organizationId)) endpointReads++;
        return next(args);
      },
      { step: "initialize", name: "countEndpointReads" },
    );
    try {
      // The three bus events reach the dispatcher as one batch.
      expect(await deliverWebhookEvents()).toBe(3);
      expect(endpointReads).toBe(1);
      // An endpoint added after that batch gets the next batch's event.
      await endpoint(org.apiKey, "/batched/second");
      endpointReads = 0;
      await publish(org.organizationId, "invoice.created", `batched-${randomUUID()}`);
      expect(await deliverWebhookEvents()).toBe(1);
      expect(endpointReads).toBe(1);
    } finally {
      documentClient().middlewareStack.remove("countEndpointReads");
    }
    await deliverWebhooks();
    expect(receiver.received("/batched/first")).toHaveLength(4);
    expect(receiver.received("/batched/second")).toHaveLength(1);
  });

  it("loses no delivery when the dispatcher dies between the delivery and its message", async () => {
    const org = await organization("Crash");
    const endpointId = await endpoint(org.apiKey, "/crash", { signature_algo: "hmac" });
    await publish(org.organizationId, "invoice.created", `crash-${randomUUID()}`);
    const [message] = await receive(process.env.WEBHOOK_EVENTS_QUEUE_URL as string, 0);
    const event = busEvent.parse(JSON.parse(message?.Body ?? "{}"));
    const catalog = new CatalogStore();
    await expect(
      fanOutWebhook(
        {
          endpoints: (id) => catalog.listWebhookEndpoints(id),
          deliveries: new WebhookStore(),
          enqueue: async () => {
            throw new Error("crash before the message was sent");
          },
        },
        event,
        AT,
      ),
    ).rejects.toThrow("crash");
    const [pending] = await deliveriesOf(org.apiKey, endpointId);
    expect(pending).toMatchObject({ status: "pending", attempts: [] });
    expect(receiver.received("/crash")).toHaveLength(0);
    // SQS gives the bus event again (it was never deleted): the pending delivery is queued and sent.
    await deliverWebhooks();
    expect(receiver.received("/crash")).toHaveLength(1);
    expect((await deliveriesOf(org.apiKey, endpointId))[0]).toMatchObject({ status: "succeeded" });
  });

  it("loses no retry when the deliverer dies after recording a failure, and sends nothing twice", async () => {
    const org = await organization("Crash retry");
    const endpointId = await endpoint(org.apiKey, "/crash-retry", { signature_algo: "hmac" });
    receiver.script("/crash-retry", { status: 500 });
    await publish(org.organizationId, "invoice.created", `crash-retry-${randomUUID()}`);
    await deliverWebhookEvents();
    const [message] = await receive(process.env.WEBHOOK_DELIVERIES_QUEUE_URL as string, 0);
    const attempt = JSON.parse(message?.Body ?? "{}");
    const dying = {
      ...deliverDeps(),
      enqueue: async () => {
        throw new Error("crash before the retry was queued");
      },
    };
    await expect(deliverWebhook(dying, attempt)).rejects.toThrow("crash");
    expect(receiver.received("/crash-retry")).toHaveLength(1);
    // The attempt's message comes back: the failure is not sent again, its retry is queued and made.
    await deliverWebhooks();
    expect(receiver.received("/crash-retry")).toHaveLength(2);
    const [delivery] = await deliveriesOf(org.apiKey, endpointId);
    expect(delivery?.attempts.map((a) => a.status)).toEqual(["failed", "succeeded"]);
  });

  it("refuses URLs that are not http(s) and follows no redirect, recording the attempt as failed", async () => {
    const org = await organization("Refused");
    const redirecting = await endpoint(org.apiKey, "/moved", { signature_algo: "hmac" });
    receiver.script(
      "/moved",
      ...Array.from({ length: 4 }, () => ({ status: 302, headers: { location: "/elsewhere" } })),
    );
    await publish(org.organizationId, "invoice.created", `moved-${randomUUID()}`);
    await deliverWebhooks();
    expect(receiver.received("/elsewhere")).toHaveLength(0);
    const [moved] = await deliveriesOf(org.apiKey, redirecting);
    expect(moved?.attempts[0]).toMatchObject({ status: "failed", http_status: 302 });

    const fileEndpoint = await endpoint(org.apiKey, "/file", { signature_algo: "hmac" });
    const key = `file-${randomUUID()}`;
    await publish(org.organizationId, "invoice.voided", key);
    await deliverWebhookEvents();
    const messages = await receive(process.env.WEBHOOK_DELIVERIES_QUEUE_URL as string, 0);
    const deps = deliverDeps();
    const store = new WebhookStore();
    for (const m of messages) {
      const attempt = JSON.parse(m.Body ?? "{}");
      const delivery = await store.get(attempt.organizationId, attempt.deliveryId);
      if (delivery?.endpointId !== fileEndpoint) continue;
      await deliverWebhook(
        {
          ...deps,
          endpoint: async (organizationId, id) => {
            const found = await deps.endpoint(organizationId, id);
            return found && { ...found, webhookUrl: "file:///etc/passwd" };
          },
        },
        attempt,
      );
    }
    const [refused] = await deliveriesOf(org.apiKey, fileEndpoint);
    expect(refused).toMatchObject({ status: "failed" });
    expect(refused?.attempts).toMatchObject([
      { status: "failed", http_status: null, error: "refused: file: is not http(s)" },
    ]);
    await deliverWebhooks();
  });
});
