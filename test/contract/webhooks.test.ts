/**
 * Webhooks through lago-javascript-client on the local runtime: endpoints made with the client,
 * an invoice finalized by the billing clock, and its `invoice.created` seen at a local receiver,
 * signed as Lago signs (hmac with the organization's key, jwt verified with the client's public
 * key); the deliveries listed by our extension route. Dates are relative to the contract clock.
 */
import { createHmac, createPublicKey } from "node:crypto";
import { importSPKI, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import {
  CONTRACT_CLOCK_START,
  control,
  type Lago,
  startContractRuntime,
  utcMonthStart,
} from "../support/lago.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

let runtime: LocalRuntime;
let lago: Lago;
let receiver: WebhookReceiver;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await runtime?.stop();
  await receiver?.stop();
});

describe("webhooks in Lago's shape", () => {
  it("publishes the RSA public key that verifies jwt signatures, as text and in JSON", async () => {
    const text = (await lago.webhooks.fetchPublicKey()).data as unknown as string;
    const pem = Buffer.from(text, "base64").toString("utf8");
    expect(createPublicKey(pem).asymmetricKeyType).toBe("rsa");
    const json = await lago.webhooks.fetchJsonPublicKey();
    expect((json.data as unknown as { webhook: { public_key: string } }).webhook.public_key).toBe(text);
  });

  it("delivers a finalized invoice's invoice.created to endpoints made with the client, signed", async () => {
    const hmac = await lago.webhookEndpoints.createWebhookEndpoint({
      webhook_endpoint: { webhook_url: `${receiver.url}/hmac`, signature_algo: "hmac" },
    });
    await lago.webhookEndpoints.createWebhookEndpoint({
      webhook_endpoint: { webhook_url: `${receiver.url}/jwt`, signature_algo: "jwt" },
    });
    await lago.plans.createPlan({
      plan: { name: "Flat", code: "flat", interval: "monthly", amount_cents: 1000, amount_currency: "EUR" },
    } as never);
    await lago.customers.createCustomer({
      customer: { external_id: "cus_hooks", name: "Hooks", currency: "EUR" },
    });
    await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: "cus_hooks", plan_code: "flat", external_id: "sub_hooks" },
    });
    // The month's end: its invoice is finalized at once (no grace period) and owes invoice.created.
    await control(runtime, "/_local/tick", { now: utcMonthStart(CONTRACT_CLOCK_START, 1) });
    await control(runtime, "/_local/drain");

    const created = (path: string) =>
      receiver
        .received(path)
        .filter((request) => JSON.parse(request.body).webhook_type === "invoice.created");
    expect(created("/hmac")).toHaveLength(1);
    expect(created("/jwt")).toHaveLength(1);
    const [viaHmac] = created("/hmac");
    const [viaJwt] = created("/jwt");
    const body = JSON.parse(viaHmac?.body ?? "{}");
    expect(body).toMatchObject({
      webhook_type: "invoice.created",
      object_type: "invoice",
      organization_id: runtime.organizationId,
      invoice: { status: "finalized", customer: { external_id: "cus_hooks" } },
    });
    // The key as a receiver gets it (the organization object), and the digest as a receiver
    // computes it, with nothing of ours.
    const organization = (await fetch(`${runtime.apiUrl}/organizations`, {
      headers: { authorization: `Bearer ${runtime.apiKey}` },
    }).then((answer) => answer.json())) as { organization: { hmac_key: string } };
    const hmacKey = organization.organization.hmac_key;
    expect(hmacKey).toBe((await new OrganizationStore().get(runtime.organizationId))?.hmacKey);
    const digest = createHmac("sha256", hmacKey)
      .update(viaHmac?.body ?? "")
      .digest("base64");
    expect(viaHmac?.headers["x-lago-signature"]).toBe(digest);
    const publicKey = Buffer.from((await lago.webhooks.fetchPublicKey()).data as unknown as string, "base64");
    const { payload } = await jwtVerify(
      String(viaJwt?.headers["x-lago-signature"]),
      await importSPKI(publicKey.toString("utf8"), "RS256"),
      { issuer: runtime.apiUrl },
    );
    expect(payload.data).toBe(viaJwt?.body);

    const response = await fetch(
      `${runtime.apiUrl}/webhook_endpoints/${hmac.data.webhook_endpoint.lago_id}/webhooks?status=succeeded`,
      { headers: { authorization: `Bearer ${runtime.apiKey}` } },
    );
    const listed = (await response.json()) as { webhooks: Array<Record<string, unknown>>; meta: unknown };
    expect(listed.webhooks.filter((webhook) => webhook.webhook_type === "invoice.created")).toMatchObject([
      {
        status: "succeeded",
        unique_key: viaHmac?.headers["x-lago-unique-key"],
        attempts: [{ http_status: 200 }],
      },
    ]);
    expect(listed.meta).toMatchObject({ current_page: 1 });
  });
});
