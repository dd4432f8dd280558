/**
 * Stripe customers created for customers synced with Stripe (`sync_with_provider`, no
 * `provider_customer_id`), against a real moto_server and a stand-in of Stripe's API driven by the
 * real `stripe` SDK: owed in the customer's write, asked on the provider-customers queue (or by the
 * catalog clock when that send was lost), created once at Stripe whatever is delivered twice or dies
 * half way, recorded with `customer.payment_provider_created`, refused with
 * `customer.payment_provider_error`; and then collected like any Stripe customer.
 */

import type { Message } from "@aws-sdk/client-sqs";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogDeps } from "../../services/catalog/src/catalog-deps.js";
import { upsertCustomer } from "../../services/catalog/src/customers/upsert-customer.js";
import { catalogEventPublisher } from "../../services/catalog/src/events/catalog-publisher.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { handler as providerCustomers } from "../../services/catalog/src/handlers/provider-customers.js";
import { runCatalogClock } from "../../services/catalog/src/lifecycle/run-catalog-clock.js";
import { createProviderCustomer } from "../../services/catalog/src/provider-customers/create-provider-customer.js";
import { DOMAIN_EVENT_SOURCES } from "../../shared/src/contracts/domain-events.js";
import { providerCustomerMessage } from "../../shared/src/contracts/provider-customer-messages.js";
import { providerCustomerKey } from "../../shared/src/domain/payments/provider-customer.js";
import { stripeAccount } from "../../shared/src/platform/stripe-account.js";
import { CatalogStore, type CatalogWrite } from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke, testContext } from "../support/api-events.js";
import { type BusObserver, type DomainBusEvent, observeDomainEvents } from "../support/bus-observer.js";
import { catalogClockDeps } from "../support/clocks.js";
import { clockRun, invoicing, paymentsHarness, seedCatalog } from "../support/payments.js";
import { sqsEvent } from "../support/sqs-events.js";
import { type StripeStandIn, startStripeStandIn } from "../support/stripe-stand-in.js";

paymentsHarness();
let stripe: StripeStandIn;
let bus: BusObserver<DomainBusEvent>;
beforeAll(async () => {
  stripe = await startStripeStandIn();
  process.env.STRIPE_API_URL = stripe.url;
  bus = await observeDomainEvents([DOMAIN_EVENT_SOURCES.catalog]);
});
afterAll(async () => {
  bus.stop();
  delete process.env.STRIPE_API_URL;
  await stripe.stop();
});

const at = "2026-05-15T00:00:00.000Z";
const seen: DomainBusEvent[] = [];
/** The catalog's events of `type` for an organization published so far. */
async function eventsOf(organizationId: string, type: string): Promise<DomainBusEvent[]> {
  seen.push(...(await bus.take()));
  return seen.filter(
    (event) => event.detail.organization_id === organizationId && event["detail-type"] === type,
  );
}

const queueUrl = () => process.env.PROVIDER_CUSTOMERS_QUEUE_URL as string;

/** Every message waiting on the provider-customers queue, taken off it. */
async function takeQueued(): Promise<Message[]> {
  const sqs = new SQSClient({});
  try {
    const taken: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl(), MaxNumberOfMessages: 10 }),
      );
      if (Messages.length === 0) return taken;
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl(),
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
      taken.push(...Messages);
    }
  } finally {
    sqs.destroy();
  }
}

/** Hands messages to the deployed consumer, as Lambda's event source mapping does: the ids it failed. */
async function consume(messages: readonly Message[]): Promise<string[]> {
  const answer = (await providerCustomers(
    sqsEvent(messages.map((m) => ({ body: m.Body as string, messageId: m.MessageId }))),
    testContext(),
  )) as SQSBatchResponse;
  return answer.batchItemFailures.map((failure) => failure.itemIdentifier);
}

async function newOrganization(name: string) {
  const seeded = await seedCatalog({
    name,
    subscriptionAt: "2026-05-01T00:00:00Z",
    at: "2026-05-01T00:00:00Z",
  });
  return seeded;
}

/** A customer synced with Stripe, created or updated through the catalog's API. */
async function syncedCustomer(apiKey: string, externalId: string, extra: Record<string, unknown> = {}) {
  const answer = await invoke(catalogApi, "POST /api/v1/customers", {
    apiKey,
    at,
    body: {
      customer: {
        external_id: externalId,
        name: "Ada Lovelace",
        email: "ada@example.com",
        phone: "+44 20 7946 0000",
        address_line1: "12 St James's Square",
        city: "London",
        zipcode: "SW1Y 4LB",
        country: "GB",
        billing_configuration: {
          payment_provider: "stripe",
          payment_provider_code: "stripe",
          sync_with_provider: true,
        },
        ...extra,
      },
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.customer as { lago_id: string; billing_configuration: Record<string, unknown> };
}

async function shownCustomer(apiKey: string, externalId: string) {
  const answer = await invoke(catalogApi, "GET /api/v1/customers/{external_customer_id}", {
    apiKey,
    params: { external_customer_id: externalId },
    at,
  });
  expect(answer.status).toBe(200);
  return answer.body.customer as { lago_id: string; billing_configuration: Record<string, unknown> };
}

const createdFor = (lagoId: string) =>
  stripe.createdCustomers.filter(
    (created) => (created.params.metadata as Record<string, string>).lago_customer_id === lagoId,
  );
const creationsFor = (lagoId: string) =>
  stripe.customerCreations.filter(
    (creation) => (creation.params.metadata as Record<string, string>).lago_customer_id === lagoId,
  );

class Crash extends Error {}
/** A catalog whose function dies at its write (after Stripe answered), as a timed-out Lambda. */
class DyingStore extends CatalogStore {
  override async write(writes: readonly CatalogWrite[]): Promise<void> {
    if (writes.length > 0) throw new Crash("Lambda timed out");
  }
}
const dyingDeps = () => ({
  catalog: new DyingStore(),
  organizations: new OrganizationStore(),
  publish: catalogEventPublisher(),
  stripe: stripeAccount,
});

describe("a customer synced with Stripe and no provider customer id", () => {
  it("gets one Stripe customer with Lago's payload, its id recorded and told once", async () => {
    const { apiKey, organizationId } = await newOrganization("Sync Created");
    const customer = await syncedCustomer(apiKey, "ada");
    expect(customer.billing_configuration.provider_customer_id).toBeNull();
    expect(createdFor(customer.lago_id)).toHaveLength(0);

    const queued = await takeQueued();
    expect(queued).toHaveLength(1);
    expect(await consume(queued)).toEqual([]);

    const created = createdFor(customer.lago_id);
    expect(created).toHaveLength(1);
    const [stripeCustomer] = created as [(typeof created)[number]];
    expect(stripeCustomer.params).toEqual({
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: "+44 20 7946 0000",
      address: { line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4LB", country: "GB" },
      metadata: { lago_customer_id: customer.lago_id, customer_id: "ada" },
    });
    expect(creationsFor(customer.lago_id).map((creation) => creation.idempotencyKey)).toEqual([
      providerCustomerKey(customer.lago_id),
    ]);
    expect((await shownCustomer(apiKey, "ada")).billing_configuration).toMatchObject({
      payment_provider: "stripe",
      payment_provider_code: "stripe",
      provider_customer_id: stripeCustomer.id,
    });

    const told = await eventsOf(organizationId, "customer.payment_provider_created");
    expect(told).toHaveLength(1);
    expect(told[0]?.detail).toMatchObject({
      webhook_type: "customer.payment_provider_created",
      object_type: "customer",
      organization_id: organizationId,
      customer: {
        lago_id: customer.lago_id,
        external_id: "ada",
        billing_configuration: { provider_customer_id: stripeCustomer.id },
      },
    });
    // Nothing is left owed: the clock asks for nothing, and the queue stays empty.
    const run = await runCatalogClock(catalogClockDeps(), "2026-05-15T00:15:00.000Z");
    expect(run.providerCustomers).toBe(0);
    expect(await takeQueued()).toHaveLength(0);
  });

  it("delivered twice is one Stripe customer and one event", async () => {
    const { apiKey, organizationId } = await newOrganization("Sync Twice");
    const customer = await syncedCustomer(apiKey, "twice");
    const queued = await takeQueued();
    expect(queued).toHaveLength(1);
    expect(await consume(queued)).toEqual([]);
    expect(await consume(queued)).toEqual([]);
    // Both copies in one batch too.
    expect(await consume([...queued, ...queued])).toEqual([]);
    expect(createdFor(customer.lago_id)).toHaveLength(1);
    expect(await eventsOf(organizationId, "customer.payment_provider_created")).toHaveLength(1);
  });

  it("whose function died after Stripe answered, before the write, gets the same Stripe customer on redelivery", async () => {
    const { apiKey, organizationId } = await newOrganization("Sync Crash");
    const customer = await syncedCustomer(apiKey, "crash");
    const queued = await takeQueued();
    const message = providerCustomerMessage.parse(JSON.parse(queued[0]?.Body as string));

    await expect(createProviderCustomer(dyingDeps(), message, message.requestedAt)).rejects.toThrow(Crash);
    expect(createdFor(customer.lago_id)).toHaveLength(1);
    expect((await shownCustomer(apiKey, "crash")).billing_configuration.provider_customer_id).toBeNull();

    expect(await consume(queued)).toEqual([]);
    const creations = creationsFor(customer.lago_id);
    expect(creations).toHaveLength(2);
    expect(new Set(creations.map((creation) => creation.idempotencyKey))).toEqual(
      new Set([providerCustomerKey(customer.lago_id)]),
    );
    const created = createdFor(customer.lago_id);
    expect(created).toHaveLength(1);
    expect((await shownCustomer(apiKey, "crash")).billing_configuration.provider_customer_id).toBe(
      created[0]?.id,
    );
    expect(await eventsOf(organizationId, "customer.payment_provider_created")).toHaveLength(1);
  });

  it("whose function died after Stripe answered, then changed, finds its Stripe customer on redelivery", async () => {
    const { apiKey, organizationId } = await newOrganization("Sync Crash Changed");
    const customer = await syncedCustomer(apiKey, "changed");
    const [queued] = await takeQueued();
    const message = providerCustomerMessage.parse(JSON.parse(queued?.Body as string));
    await expect(createProviderCustomer(dyingDeps(), message, message.requestedAt)).rejects.toThrow(Crash);
    // Renamed before the message comes back: Stripe refuses the key's replay with other parameters.
    await syncedCustomer(apiKey, "changed", { name: "Ada King" });
    const again = await takeQueued();
    expect(again).toHaveLength(1);
    expect(await consume([queued as Message, ...again])).toEqual([]);
    // The first made it; each later one (the two messages, handled at once) met the idempotency error.
    const [first, ...later] = creationsFor(customer.lago_id);
    expect(first?.customerId).toBe(createdFor(customer.lago_id)[0]?.id);
    expect(later.length).toBeGreaterThanOrEqual(1);
    expect(later.map((creation) => creation.customerId)).toEqual(later.map(() => undefined));
    const created = createdFor(customer.lago_id);
    expect(created).toHaveLength(1);
    expect((await shownCustomer(apiKey, "changed")).billing_configuration.provider_customer_id).toBe(
      created[0]?.id,
    );
    expect(await eventsOf(organizationId, "customer.payment_provider_created")).toHaveLength(1);
  });

  it("whose request died before asking is asked for by the next catalog clock run", async () => {
    const { organizationId } = await newOrganization("Sync Lost");
    const organization = await new OrganizationStore().get(organizationId);
    if (!organization) throw new Error("no organization");
    const lost: CatalogDeps = {
      ...catalogClockDeps(),
      requestProviderCustomers: async () => {
        throw new Error("the function died before sending");
      },
    };
    const customer = await upsertCustomer(
      lost,
      organization,
      {
        external_id: "lost",
        name: "Lost Ltd",
        billing_configuration: { payment_provider: "stripe", sync_with_provider: true },
      },
      at,
    );
    expect(await takeQueued()).toHaveLength(0);
    // Not due before its change.
    expect((await runCatalogClock(catalogClockDeps(), "2026-05-14T23:45:00.000Z")).providerCustomers).toBe(0);
    expect((await runCatalogClock(catalogClockDeps(), "2026-05-15T00:15:00.000Z")).providerCustomers).toBe(1);
    // Asked once: the next run finds nothing owed.
    expect((await runCatalogClock(catalogClockDeps(), "2026-05-15T00:30:00.000Z")).providerCustomers).toBe(0);
    const queued = await takeQueued();
    expect(queued).toHaveLength(1);
    expect(await consume(queued)).toEqual([]);
    expect(createdFor(customer.id)).toHaveLength(1);
    expect(await eventsOf(organizationId, "customer.payment_provider_created")).toHaveLength(1);
  });

  it("refused by Stripe (a 4xx) is told as customer.payment_provider_error, nothing recorded, not retried", async () => {
    const { apiKey, organizationId } = await newOrganization("Sync Refused");
    stripe.refuseCustomerCreation(
      (params) => (params.metadata as Record<string, string>).customer_id === "refused",
      {
        status: 400,
        error: {
          type: "invalid_request_error",
          code: "parameter_invalid_empty",
          message: "You passed an empty string for 'name'.",
        },
      },
    );
    const customer = await syncedCustomer(apiKey, "refused");
    const queued = await takeQueued();
    expect(await consume(queued)).toEqual([]);
    expect(await consume(queued)).toEqual([]);
    expect(createdFor(customer.lago_id)).toHaveLength(0);
    expect((await shownCustomer(apiKey, "refused")).billing_configuration.provider_customer_id).toBeNull();
    const told = await eventsOf(organizationId, "customer.payment_provider_error");
    // Refused twice, told under one unique key (the webhook dispatcher delivers it once).
    expect(told.length).toBeGreaterThanOrEqual(1);
    expect(new Set(told.map((event) => event.detail.unique_key)).size).toBe(1);
    expect(told[0]?.detail).toEqual({
      webhook_type: "customer.payment_provider_error",
      object_type: "payment_provider_customer_error",
      organization_id: organizationId,
      unique_key: told[0]?.detail.unique_key,
      payment_provider_customer_error: {
        lago_customer_id: customer.lago_id,
        external_customer_id: "refused",
        payment_provider: "stripe",
        payment_provider_code: "stripe",
        provider_error: {
          message: "You passed an empty string for 'name'.",
          error_code: "parameter_invalid_empty",
        },
      },
    });
    expect(await eventsOf(organizationId, "customer.payment_provider_created")).toHaveLength(0);

    // As Lago: an update that does not send sync_with_provider again asks for nothing; one that does asks again.
    const renamed = await invoke(catalogApi, "POST /api/v1/customers", {
      apiKey,
      at,
      body: { customer: { external_id: "refused", name: "Ada King" } },
    });
    expect(renamed.status).toBe(200);
    expect(await takeQueued()).toHaveLength(0);
    await syncedCustomer(apiKey, "refused");
    expect(await takeQueued()).toHaveLength(1);
  });

  it("meeting Stripe's own error (a 5xx) is left to SQS's redelivery, and created when Stripe is back", async () => {
    const { apiKey, organizationId } = await newOrganization("Sync Outage");
    let down = true;
    stripe.refuseCustomerCreation(
      (params) => down && (params.metadata as Record<string, string>).customer_id === "outage",
      { status: 500, error: { type: "api_error", message: "Something went wrong on Stripe's end." } },
    );
    const customer = await syncedCustomer(apiKey, "outage");
    const queued = await takeQueued();
    expect(await consume(queued)).toEqual([queued[0]?.MessageId]);
    expect((await shownCustomer(apiKey, "outage")).billing_configuration.provider_customer_id).toBeNull();
    expect(await eventsOf(organizationId, "customer.payment_provider_error")).toHaveLength(0);
    down = false;
    expect(await consume(queued)).toEqual([]);
    expect(createdFor(customer.lago_id)).toHaveLength(1);
    expect(await eventsOf(organizationId, "customer.payment_provider_created")).toHaveLength(1);
  });
});

describe("a customer given its provider customer id, or not synced", () => {
  it("asks Stripe for nothing", async () => {
    const { apiKey, organizationId } = await newOrganization("Sync Given");
    const given = await syncedCustomer(apiKey, "given", {
      billing_configuration: {
        payment_provider: "stripe",
        sync_with_provider: true,
        provider_customer_id: "cus_given",
      },
    });
    const unsynced = await syncedCustomer(apiKey, "unsynced", {
      billing_configuration: { payment_provider: "stripe", sync_with_provider: false },
    });
    expect(await takeQueued()).toHaveLength(0);
    expect((await runCatalogClock(catalogClockDeps(), "2026-05-15T00:15:00.000Z")).providerCustomers).toBe(0);
    expect(creationsFor(given.lago_id)).toHaveLength(0);
    expect(creationsFor(unsynced.lago_id)).toHaveLength(0);
    expect((await shownCustomer(apiKey, "given")).billing_configuration.provider_customer_id).toBe(
      "cus_given",
    );
    expect(await eventsOf(organizationId, "customer.payment_provider_created")).toHaveLength(0);
  });
});

describe("a customer whose Stripe customer was created for it", () => {
  it("is collected at its invoice's finalization, on that Stripe customer", async () => {
    const seeded = await newOrganization("Sync Collected");
    const customer = await syncedCustomer(seeded.apiKey, seeded.externalCustomerId);
    expect(await consume(await takeQueued())).toEqual([]);
    const [created] = createdFor(customer.lago_id);
    if (!created) throw new Error("no Stripe customer created");
    // The customer adds a card at Stripe: it becomes the customer's default payment method.
    stripe.addCustomer(created.id, {
      defaultPaymentMethod: "pm_card_ada",
      paymentMethods: [],
      behaviour: "succeed",
    });

    await clockRun("2026-06-01T00:00:00.000Z");
    const intents = stripe.intents.filter(
      (intent) => (intent.metadata as Record<string, string>).lago_customer_id === customer.lago_id,
    );
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({
      customer: created.id,
      payment_method: "pm_card_ada",
      status: "succeeded",
      metadata: { lago_organization_id: seeded.organizationId },
    });
    const invoices = await invoicing("GET /api/v1/invoices", {
      apiKey: seeded.apiKey,
      at: "2026-06-01T00:05:00.000Z",
    });
    expect(invoices.body.invoices).toMatchObject([{ payment_status: "succeeded" }]);
  });
});
