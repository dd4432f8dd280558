/**
 * Invoices written before the list indexes (items without their attributes) are listed once the
 * backfill has run, on a real moto_server; it rewrites no invoice already indexed, and a void of
 * such an invoice indexes it too.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { backfillListIndexes } from "../../services/invoicing/src/store/backfill-list-index.js";
import { allOverdueShards, InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { Invoice } from "../../shared/src/domain/invoice.js";
import { draftInvoice } from "../../shared/src/domain/invoices/test-invoice.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { stableUuid } from "../../shared/src/platform/ids.js";
import { joinKey } from "../../shared/src/store/keys.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";

let aws: AwsHarness;
let seeded: SeededCatalog;

beforeAll(async () => {
  aws = await startAwsHarness();
  seeded = await seedCatalog({ subscriptionAt: "2026-01-01T00:00:00Z", at: "2026-01-01T00:00:00Z" });
});
afterAll(async () => {
  await aws.stop();
});

const invoice = (name: string, status: Invoice["status"]): Invoice => ({
  ...draftInvoice,
  id: stableUuid("backfill", name),
  organizationId: seeded.organizationId,
  externalCustomerId: seeded.externalCustomerId,
  status,
});

/** An invoice item as the store wrote it before the list indexes: no list attribute. */
async function putLegacy(old: Invoice) {
  await documentClient().send(
    new PutCommand({
      TableName: process.env.INVOICING_TABLE,
      Item: {
        ...old,
        pk: old.organizationId,
        sk: joinKey("invoice", old.id),
        kind: "invoice",
        gsi1pk: joinKey(old.organizationId, "invoices"),
        gsi1sk: `${old.issuingDate}#${old.createdAt}#${old.id}`,
      },
    }),
  );
}

const listedIds = async (query = "") => {
  const answer = await invoke(invoicingApi, "GET /api/v1/invoices", { apiKey: seeded.apiKey, query });
  expect(answer.status).toBe(200);
  return (answer.body.invoices as { lago_id: string }[]).map((shown) => shown.lago_id);
};

describe("the list index backfill", () => {
  it("indexes the invoices written before, once; a void indexes one by itself", async () => {
    const [draft, finalized, toVoid] = [
      invoice("a", "draft"),
      invoice("b", "finalized"),
      invoice("c", "finalized"),
    ];
    for (const old of [draft, finalized, toVoid]) await putLegacy(old);
    const indexed = invoice("d", "finalized");
    await new InvoiceStore().saveOnce(indexed, null);
    expect(await listedIds()).toEqual([indexed.id]);

    // A void of an invoice written before gives it every list attribute.
    const store = new InvoiceStore();
    const read = await store.get(seeded.organizationId, toVoid.id);
    if (!read) throw new Error("missing");
    const voidedAt = "2026-09-01T00:00:00.000Z";
    expect(
      (await store.voidFinalized(read, { ...read, status: "voided", voidedAt, updatedAt: voidedAt })).changed,
    ).toBe(true);
    expect(await listedIds("status=voided")).toEqual([toVoid.id]);

    expect(await backfillListIndexes()).toEqual({ found: 2, indexed: 2 });
    // The unpaid finalized one now waits in the overdue partitions, as the one saved today does.
    const overdue = await Promise.all(
      allOverdueShards().map((shard) => store.overdueCandidates(shard, "2100-01-01T00:00:00.000Z")),
    );
    expect(
      overdue
        .flat()
        .map((candidate) => candidate.invoiceId)
        .sort(),
    ).toEqual([finalized.id, indexed.id].sort());
    expect((await listedIds()).sort()).toEqual([draft.id, finalized.id, toVoid.id, indexed.id].sort());
    expect(await listedIds("status=draft")).toEqual([draft.id]);
    expect(await backfillListIndexes()).toEqual({ found: 0, indexed: 0 });
  });
});
