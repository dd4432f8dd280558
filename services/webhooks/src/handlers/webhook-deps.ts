import { randomUUID } from "node:crypto";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { LAGO_RETRY_POLICY, type RetryPolicy } from "#shared/domain/webhooks/retry-policy.js";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { resourceName, webhookDeliveriesQueue } from "#shared/platform/resources.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import type { DeliverDeps } from "../delivery/deliver-webhook.js";
import type { DeliveryMessage, DeliveryQueue } from "../delivery/delivery-message.js";
import { postWebhook } from "../delivery/post-webhook.js";
import { SigningKeyStore } from "../store/signing-key-store.js";
import { WebhookStore } from "../store/webhook-store.js";

/** A positive number from the environment, else the default. */
function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Lago's defaults, each changed by the environment as Lago's are: `LAGO_WEBHOOK_ATTEMPTS` (3),
 * `LAGO_WEBHOOK_TIMEOUT_SECONDS` (30; `WEBHOOK_TIMEOUT_MS` for less than a second, in tests),
 * `WEBHOOK_BACKOFF_SCALE` (1; 0 waits nothing between attempts).
 */
export function deliveryConfig(): { policy: RetryPolicy; timeoutMs: number; issuer: string } {
  return {
    policy: {
      maxAttempts: Math.max(
        1,
        Math.floor(numberFromEnv("LAGO_WEBHOOK_ATTEMPTS", LAGO_RETRY_POLICY.maxAttempts)),
      ),
      backoffScale: numberFromEnv("WEBHOOK_BACKOFF_SCALE", LAGO_RETRY_POLICY.backoffScale),
    },
    timeoutMs: numberFromEnv("WEBHOOK_TIMEOUT_MS", numberFromEnv("LAGO_WEBHOOK_TIMEOUT_SECONDS", 30) * 1000),
    issuer: process.env.LAGO_API_URL ?? "serverless-billing",
  };
}

async function sendBatch(queueUrl: string, messages: ReadonlyArray<{ body: string; delaySeconds: number }>) {
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    const result = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          MessageBody: message.body,
          DelaySeconds: message.delaySeconds,
        })),
      }),
    );
    if ((result.Failed ?? []).length > 0)
      throw new Error(
        `SQS refused ${result.Failed?.length} webhook messages: ${result.Failed?.[0]?.Message}`,
      );
  }
}

/** The deliveries queue: messages are small (ids only), ten to a call. */
export const deliveryQueue: DeliveryQueue = (messages) =>
  sendBatch(
    resourceName(webhookDeliveriesQueue),
    messages.map(({ message, delaySeconds }) => ({ body: JSON.stringify(message), delaySeconds })),
  );

let built: DeliverDeps | undefined;

/** What the deliverer and the API resend with, built on first use from the environment. */
export function deliverDeps(): DeliverDeps {
  if (built) return built;
  const catalog = new CatalogStore();
  const organizations = new OrganizationStore();
  const keys = new SigningKeyStore();
  const config = deliveryConfig();
  built = {
    deliveries: new WebhookStore(),
    endpoint: (organizationId, endpointId) => catalog.getWebhookEndpoint(organizationId, endpointId),
    hmacKey: async (organizationId) => (await organizations.get(organizationId))?.hmacKey,
    signingKey: () => keys.keyPair(),
    // Read at each signature: the local runtime knows its URL only once it listens.
    get issuer() {
      return deliveryConfig().issuer;
    },
    post: postWebhook,
    policy: config.policy,
    timeoutMs: config.timeoutMs,
    clock: Date.now,
    newToken: randomUUID,
    enqueue: deliveryQueue,
    deadLetter: async (delivery) => {
      const message: DeliveryMessage = {
        kind: "dead_letter",
        organizationId: delivery.organizationId,
        deliveryId: delivery.id,
        series: delivery.series,
      };
      const url = process.env[webhookDeliveriesQueue.deadLetterEnvVar];
      if (!url) throw new Error(`Environment variable ${webhookDeliveriesQueue.deadLetterEnvVar} is not set`);
      await sendBatch(url, [{ body: JSON.stringify(message), delaySeconds: 0 }]);
    },
  };
  return built;
}

/** Forgets what was built, so a test's changed environment is read again. */
export function resetDeliverDeps(): void {
  built = undefined;
}
