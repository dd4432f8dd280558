/** Payments as the integration tests drive them: the API as deployed, the clock, the bus watched. */
import { afterAll, beforeAll, expect } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { PaymentStore } from "../../services/invoicing/src/store/payment-store.js";
import { type ApiCall, invoke, testContext } from "./api-events.js";
import { type AwsHarness, startAwsHarness } from "./aws-harness.js";
import { observeInvoicingEvents } from "./bus-observer.js";
import { type SeedOptions, seedCatalog as seedCatalogOnly } from "./catalog-fixture.js";
import { deliverClockScans, deliverInvoicingInbox } from "./invoicing.js";

/** One invoicing event as it reached the bus. */
export interface Published {
  readonly type: string;
  readonly uniqueKey: string;
  readonly detail: Record<string, unknown>;
  /** The invoice it names (`invoice.lago_id`, or a payment error's `lago_invoice_id`). */
  readonly invoiceId: string;
}

/** Watches invoicing's events on the bus, as a webhook dispatcher would; `take` empties the queue. */
export async function watchBus(): Promise<{ take(): Promise<Published[]>; stop(): void }> {
  const bus = await observeInvoicingEvents();
  return {
    async take() {
      return (await bus.take()).map((event) => {
        const invoice = event.detail.invoice as { lago_id?: string } | undefined;
        const error = event.detail.payment_provider_invoice_payment_error as
          | { lago_invoice_id?: string }
          | undefined;
        return {
          type: event["detail-type"],
          uniqueKey: event.detail.unique_key,
          detail: event.detail,
          invoiceId: String(invoice?.lago_id ?? error?.lago_invoice_id),
        };
      });
    },
    stop: () => bus.stop(),
  };
}

/** A billable setup made through the catalog's API, and invoicing told of it. */
export async function seedCatalog(options: SeedOptions) {
  const seeded = await seedCatalogOnly(options);
  await deliverInvoicingInbox();
  return seeded;
}

/** A run of the billing clock at `now`, as the scheduler starts it, down to the last job it fans out. */
export async function clockRun(now: string): Promise<void> {
  await clock({ now }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
}

/** A call of invoicing's API handler, as API Gateway makes it. */
export function invoicing(routeKey: string, call: ApiCall) {
  return invoke(invoicingApi, routeKey, call);
}

/** Every payment item of an organization, as stored. */
export const storedPayments = (organizationId: string) => new PaymentStore().list(organizationId);

/**
 * The harness and a bus watch for a payments test file (started before its tests, stopped after),
 * and the events published for an invoice so far, in order.
 */
export function paymentsHarness() {
  let aws: AwsHarness;
  let bus: Awaited<ReturnType<typeof watchBus>>;
  const published: Published[] = [];
  beforeAll(async () => {
    aws = await startAwsHarness();
    bus = await watchBus();
  });
  afterAll(async () => {
    bus.stop();
    await aws.stop();
  });
  const eventsOf = async (invoiceId: string): Promise<Published[]> => {
    published.push(...(await bus.take()));
    return published.filter((event) => event.invoiceId === invoiceId);
  };
  const typesOf = async (invoiceId: string) => (await eventsOf(invoiceId)).map((event) => event.type);
  return { eventsOf, typesOf };
}

/** A call of the catalog's API handler at `at` that must answer 200; its body. */
export function catalogAt(at: string) {
  return async (apiKey: string, routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
}
