import { describe, expect, it } from "vitest";
import { serializeWebhookEndpoint } from "./serialize.js";

describe("webhook endpoint serializer", () => {
  it("shows every field of Lago's endpoint", () => {
    expect(
      serializeWebhookEndpoint({
        id: "e1",
        organizationId: "o1",
        webhookUrl: "https://hooks.test/a",
        name: "Billing",
        signatureAlgo: "hmac",
        eventTypes: ["invoice.created"],
        createdAt: "2026-01-01T00:00:00.000Z",
      }),
    ).toEqual({
      lago_id: "e1",
      lago_organization_id: "o1",
      webhook_url: "https://hooks.test/a",
      signature_algo: "hmac",
      name: "Billing",
      event_types: ["invoice.created"],
      created_at: "2026-01-01T00:00:00.000Z",
    });
  });
});
