/**
 * 200 drafts of one customer (one numbering sequence) whose grace period has ended, finalized all
 * at once, each both by hand (`PUT /invoices/{id}/finalize` through the API handler) and by the
 * billing clock (its review's `draft_due` jobs through the worker handler), in one shuffled burst,
 * plus a few more in Lambda containers of their own: numbers 1..200, no gap, no repeat, one
 * `invoice.created` each.
 *
 * Why this is sound on moto_server: moto serves requests on threads without locking its tables,
 * and a transaction it cancels restores whole tables from a copy taken when it began, so two
 * requests in flight at once there can both pass their conditions or undo each other, which
 * DynamoDB never allows. Here the finalizations run concurrently (their reads, pricing and
 * retries interleave freely, so many read the same counter value and collide), but the test's
 * DynamoDB client hands moto one request at a time: each request is then atomic, as every
 * DynamoDB request is, and nothing else is serialized. Deterministic interleavings of the same
 * races are played in invoice-lifecycle.test.ts.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { enqueueDueDrafts } from "../../services/invoicing/src/billing/enqueue-due-drafts.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as worker } from "../../services/invoicing/src/handlers/billing-worker.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { finalizeInvoice } from "../../services/invoicing/src/invoices/finalize-invoice.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { DraftDue } from "../../shared/src/contracts/invoicing-messages.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { joinKey } from "../../shared/src/store/keys.js";
import { type ApiCall, apiEvent, invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type BusObserver, observeInvoicingEvents } from "../support/bus-observer.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";
import { billingDeps, deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";
import { oneRequestAtATime } from "../support/one-request-at-a-time.js";
import { sqsEvent } from "../support/sqs-events.js";

const DRAFTS = 200;
/** Finalizations in Lambda containers of their own (no in-process queue on the counter). */
const LONE_CONTAINERS = 5;

let aws: AwsHarness;
let bus: BusObserver;
let seeded: SeededCatalog;

beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await observeInvoicingEvents();

  // One customer with a grace period of a day and 200 subscriptions: 200 drafts of one sequence.
  seeded = await seedCatalog({ name: "Crowd", subscriptionAt: "2026-03-01T00:00:00Z", gracePeriodDays: 1 });
  for (let n = 2; n <= DRAFTS; n++) {
    const answer = await invoke(catalogApi, "POST /api/v1/subscriptions", {
      apiKey: seeded.apiKey,
      at: "2026-03-01T00:00:00Z",
      body: {
        subscription: {
          external_customer_id: seeded.externalCustomerId,
          plan_code: "pro",
          external_id: `sub_${n}`,
          subscription_at: "2026-03-01T00:00:00Z",
        },
      },
    });
    expect(answer.status).toBe(200);
    if (n % 50 === 0) await deliverInvoicingInbox();
  }
  await deliverInvoicingInbox();
  await clock({ now: "2026-04-01T00:00:00.000Z" }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
}, 600_000);
afterAll(async () => {
  bus.stop();
  await aws.stop();
});

async function createdEvents(): Promise<Array<{ invoiceId: string; uniqueKey: string; number: string }>> {
  return (await bus.take())
    .filter((event) => event["detail-type"] === "invoice.created")
    .map(({ detail }) => ({
      invoiceId: detail.invoice.lago_id,
      uniqueKey: detail.unique_key,
      number: String(detail.invoice.number),
    }));
}

/**
 * A Lambda context with time to spare: with one DynamoDB request at a time, a burst of hundreds
 * takes longer than a real invocation would, and the handlers' timeouts would end it early.
 */
const unhurried = () => ({ ...testContext(), getRemainingTimeInMillis: () => 3_600_000 });

async function invokeUnhurried(handler: typeof invoicingApi, routeKey: string, call: ApiCall) {
  const result = (await handler(apiEvent(routeKey, call), unhurried())) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 200, body: result.body ? JSON.parse(result.body) : {} };
}

/** Fisher–Yates with a fixed seed, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed = 20261201): T[] {
  const out = [...items];
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

it("finalizes 200 drafts of one sequence at once, by hand and by the clock: numbers 1..200, no gap, no repeat", async () => {
  const store = new InvoiceStore();
  const drafts = await store.list(seeded.organizationId);
  expect(drafts).toHaveLength(DRAFTS);
  expect(drafts.every((draft) => draft.status === "draft" && draft.sequentialId === null)).toBe(true);

  // The clock's review once the grace period is over: one job per draft.
  const now = "2026-04-02T00:00:00.000Z";
  const jobs: DraftDue[] = [];
  await enqueueDueDrafts(billingDeps(), now, async (batch) => {
    jobs.push(...batch);
  });
  const ours = jobs.filter((job) => job.organizationId === seeded.organizationId);
  expect(ours).toHaveLength(DRAFTS);

  // Half the drafts are finalized by the clock's jobs, half by hand, and a tenth by both at once.
  const byHand = drafts.filter((_, index) => index % 2 === 1 || index % 10 === 0);
  const jobOf = new Map(ours.map((job) => [job.invoiceId, job]));
  const byClock = drafts
    .filter((_, index) => index % 2 === 0)
    .map((draft) => jobOf.get(draft.id) as DraftDue);
  type Attempt = () => Promise<{ kind: string; status?: number; failures?: number }>;
  const scheduled: Attempt[] = [];
  for (let start = 0; start < byClock.length; start += 10) {
    const batch = byClock.slice(start, start + 10).map((job) => JSON.stringify(job));
    scheduled.push(async () => {
      const answer = (await worker(sqsEvent(batch), unhurried())) as SQSBatchResponse;
      return { kind: "scheduled", failures: answer.batchItemFailures.length };
    });
  }
  const manual: Attempt[] = byHand.map((draft) => async () => {
    const answer = await invokeUnhurried(invoicingApi, "PUT /api/v1/invoices/{lago_id}/finalize", {
      apiKey: seeded.apiKey,
      params: { lago_id: draft.id },
      at: "2026-04-02T00:01:00Z",
    });
    return { kind: "manual", status: answer.status };
  });
  const lone: Attempt[] = shuffled(drafts)
    .slice(0, LONE_CONTAINERS)
    .map((draft) => async () => {
      const outcome = await finalizeInvoice(billingDeps(), seeded.organizationId, draft.id, now);
      return { kind: outcome.kind };
    });
  oneRequestAtATime("oneRequestAtATimeForMoto");
  const outcomes = await Promise.all(
    shuffled([...scheduled, ...manual, ...lone]).map((attempt) => attempt()),
  );

  // Every worker message succeeded; every manual call found a draft (200) or a finalized invoice (404).
  expect(outcomes.filter((o) => o.kind === "scheduled").map((o) => o.failures)).toEqual(
    Array(scheduled.length).fill(0),
  );
  expect(new Set(outcomes.filter((o) => o.kind === "manual").map((o) => o.status))).toSatisfy(
    (statuses: Set<number | undefined>) => [...statuses].every((status) => status === 200 || status === 404),
  );

  const invoices = await store.list(seeded.organizationId);
  expect(invoices.every((invoice) => invoice.status === "finalized")).toBe(true);
  const sequence = invoices.map((invoice) => invoice.sequentialId as number).sort((a, b) => a - b);
  expect(sequence).toEqual(Array.from({ length: DRAFTS }, (_, i) => i + 1));
  expect(new Set(invoices.map((invoice) => invoice.number)).size).toBe(DRAFTS);
  for (const invoice of invoices)
    expect(invoice.number).toMatch(new RegExp(`-001-${String(invoice.sequentialId).padStart(3, "0")}$`));
  const { Item: counter } = await documentClient().send(
    new GetCommand({
      TableName: process.env.INVOICING_TABLE,
      Key: {
        pk: seeded.organizationId,
        sk: joinKey("counter", `invoice#customer#${invoices[0]?.customerId}`),
      },
      ConsistentRead: true,
    }),
  );
  expect(counter?.value).toBe(DRAFTS);

  // One invoice.created per invoice, showing its number.
  const created = await createdEvents();
  expect(created).toHaveLength(DRAFTS);
  expect(new Set(created.map((event) => event.invoiceId)).size).toBe(DRAFTS);
  expect(new Set(created.map((event) => event.uniqueKey)).size).toBe(DRAFTS);
  const numbers = new Map(invoices.map((invoice) => [invoice.id, invoice.number]));
  for (const event of created) expect(event.number).toBe(numbers.get(event.invoiceId));
}, 600_000);
