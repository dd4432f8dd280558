/**
 * Credit notes' figures for `npm run bench`, on moto: what one `POST /credit_notes` costs in
 * DynamoDB calls and capacity (capacity by AWS's rules from the items before and after each write,
 * capacity.ts), and what a draft's finalization costs without a credit balance to take and with
 * one (the balance spent in the finalization's transaction). All counted; nothing modelled.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoke, testContext } from "../test/support/api-events.js";
import { meterDynamo, newMeter, type StoredItem } from "./meter.js";

type Report = (name: string, value: number, unit: string) => void;

const DYNAMO_CALLS = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "TransactWriteItems"];

export async function creditNoteFigures(report: Report): Promise<void> {
  const { handler: catalogApi } = await import("../services/catalog/src/handlers/api.js");
  const { handler: invoicingApi } = await import("../services/invoicing/src/handlers/api.js");
  const { handler: clock } = await import("../services/invoicing/src/handlers/clock.js");
  const { InvoiceStore } = await import("../services/invoicing/src/store/invoice-store.js");
  const { seedCatalog } = await import("../test/support/catalog-fixture.js");
  const { deliverClockScans, deliverInvoicingInbox } = await import("../test/support/invoicing.js");
  const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const stored: StoredItem = async (name, key) => {
    const { Item } = await raw.send(
      new GetCommand({ TableName: name, Key: { pk: key.pk?.S, sk: key.sk?.S }, ConsistentRead: true }),
    );
    return Item ? marshall(Item, { removeUndefinedValues: true }) : undefined;
  };
  // One customer, a day's grace period, two subscriptions: two drafts of one sequence.
  const seeded = await seedCatalog({
    name: "Bench credit notes",
    subscriptionAt: "2032-01-01T00:00:00Z",
    gracePeriodDays: 1,
  });
  const answer = await invoke(catalogApi, "POST /api/v1/subscriptions", {
    apiKey: seeded.apiKey,
    at: "2032-01-01T00:00:00Z",
    body: {
      subscription: {
        external_customer_id: seeded.externalCustomerId,
        plan_code: "pro",
        external_id: "bench_cn_2",
        subscription_at: "2032-01-01T00:00:00Z",
      },
    },
  });
  if (answer.status !== 200) throw new Error(`subscription answered ${answer.status}`);
  await deliverInvoicingInbox();
  await clock({ now: "2032-02-01T00:00:00.000Z" }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
  const drafts = (await new InvoiceStore().list(seeded.organizationId)).filter((d) => d.status === "draft");
  const [first, second] = drafts;
  if (!first || !second) throw new Error(`expected two drafts, found ${drafts.length}`);

  const meter = newMeter();
  meterDynamo(documentClient(), meter, stored);
  const measured = async (name: string, run: () => Promise<{ status: number }>) => {
    meter.reset();
    const outcome = await run();
    if (outcome.status !== 200) throw new Error(`${name} answered ${outcome.status}`);
    report(`${name}_ddb_calls`, meter.total(...DYNAMO_CALLS), "calls");
    report(`${name}_write_units`, meter.writeUnits, "WRU");
    report(`${name}_read_units`, meter.readUnits, "RRU");
  };
  const finalize = (id: string) =>
    invoke(invoicingApi, "PUT /api/v1/invoices/{lago_id}/finalize", {
      apiKey: seeded.apiKey,
      params: { lago_id: id },
      at: "2032-02-02T00:00:00Z",
    });

  await measured("finalization_without_credit", () => finalize(first.id));
  const finalized = await new InvoiceStore().get(seeded.organizationId, first.id);
  const fee = finalized?.fees.find((candidate) => candidate.amountCents > 0);
  if (!fee) throw new Error("the finalized invoice has no fee to credit");
  await measured("credit_note_create", () =>
    invoke(invoicingApi, "POST /api/v1/credit_notes", {
      apiKey: seeded.apiKey,
      at: "2032-02-02T00:01:00Z",
      body: {
        credit_note: {
          invoice_id: first.id,
          items: [{ fee_id: fee.id, amount_cents: 300 }],
          credit_amount_cents: 300 + Math.round((fee.taxesAmountCents * 300) / fee.amountCents),
        },
      },
    }),
  );
  await measured("finalization_taking_a_credit_balance", () => finalize(second.id));
  const credited = await new InvoiceStore().get(seeded.organizationId, second.id);
  if (!credited?.creditNotesAmountCents) throw new Error("the second finalization took no credit balance");
}
