/** Pay-in-advance charges as the integration tests drive them: events through the deployed consumer. */
import { randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, expect } from "vitest";
import { handler as eventsConsumer } from "../../services/aggregate/src/handlers/events-consumer.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import { testContext } from "./api-events.js";
import { type AwsHarness, startAwsHarness } from "./aws-harness.js";
import { type BusEvent, type BusObserver, observeInvoicingEvents } from "./bus-observer.js";
import { sqsEvent } from "./sqs-events.js";

/** An event as a delivery unit carries it: transaction id, subscription, code, timestamp, properties. */
export type EventTuple = [string, string, string, string, Record<string, unknown>, null];

export const eventTuple = (
  subscription: string,
  code: string,
  at: string,
  properties: Record<string, unknown> = {},
): EventTuple => [randomUUID(), subscription, code, at, properties, null];

/** One delivery unit through the events consumer as deployed (the same `unitId` is a redelivery). */
export async function deliverUnit(
  organizationId: string,
  events: EventTuple[],
  unitId = randomUUID(),
  receivedAt = "2026-03-10T12:00:00.000Z",
): Promise<string> {
  const body = JSON.stringify({ unitId, organizationId, receivedAt, events });
  const answer = (await eventsConsumer(sqsEvent([body]), testContext())) as SQSBatchResponse;
  expect(answer.batchItemFailures).toEqual([]);
  return body;
}

/** The organization's invoices in the order their numbers were given. */
export async function invoicesByNumber(organizationId: string): Promise<StoredInvoice[]> {
  const invoices = await new InvoiceStore().list(organizationId);
  return invoices.sort((a, b) => (a.sequentialId ?? 0) - (b.sequentialId ?? 0));
}

/**
 * The harness and a bus watch for a test file (started before its tests, stopped after); `busEvents`
 * is every invoicing event published so far, in order.
 */
export function advanceChargesHarness(): { busEvents(): Promise<BusEvent[]> } {
  let aws: AwsHarness;
  let bus: BusObserver;
  const published: BusEvent[] = [];
  beforeAll(async () => {
    aws = await startAwsHarness();
    bus = await observeInvoicingEvents();
  });
  afterAll(async () => {
    bus.stop();
    await aws.stop();
  });
  return {
    async busEvents() {
      published.push(...(await bus.take()));
      return published;
    },
  };
}
