/**
 * Faults in the invoice lifecycle against a real moto_server: a crash between any two writes of a
 * refresh, a finalization or a void (and between a publication and its mark), then the message
 * delivered again once SQS's visibility timeout has passed, and the billing clock's next run.
 * Each leaves the invoice in one consistent state: one number, nothing owed, out of the drafts
 * index, and each event published once (a publication whose mark was lost is published again
 * with the same unique key, for consumers to drop).
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BillingDeps } from "../../services/invoicing/src/billing/close-due-periods.js";
import { enqueueDueDrafts } from "../../services/invoicing/src/billing/enqueue-due-drafts.js";
import { reviewDraft } from "../../services/invoicing/src/billing/review-draft.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { voidInvoice } from "../../services/invoicing/src/invoices/void-invoice.js";
import {
  allWaitingShards,
  InvoiceStore,
  owedEvents,
  type StoredInvoice,
} from "../../services/invoicing/src/store/invoice-store.js";
import type { DraftDue } from "../../shared/src/contracts/invoicing-messages.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { joinKey } from "../../shared/src/store/keys.js";
import { testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { seedCatalog as seedCatalogOnly } from "../support/catalog-fixture.js";
import { billingDeps, deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";

let aws: AwsHarness;
beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(() => aws.stop());

/** SQS hands a message over again once its visibility timeout (180 s) has passed: leases (60 s) have run out. */
const REDELIVERY_MS = 181_000;

class Crash extends Error {
  constructor() {
    super("Lambda timed out");
  }
}

type CrashPoint = "before-change" | "after-change" | "after-claim" | "after-publish" | "after-release";
type Change = "finalizeDraft" | "voidFinalized" | "replaceDraft";

interface Published {
  readonly type: string;
  readonly invoiceId: string;
  readonly uniqueKey: string | undefined;
}

/** What the publications of one scenario reached the bus with. */
function recordingPublisher(published: Published[], crashAfterFirst: boolean): BillingDeps["publish"] {
  let crashed = !crashAfterFirst;
  return async (type, _organizationId, payload, uniqueKey) => {
    const invoice = payload.invoice as { lago_id: string };
    published.push({ type, invoiceId: invoice.lago_id, uniqueKey });
    if (!crashed) {
      crashed = true;
      throw new Crash();
    }
  };
}

/** An invoice store whose function dies once at `point` of `change`'s writes. */
function crashingStore(point: CrashPoint, change: Change): InvoiceStore {
  let armed = true;
  const crashIf = (at: CrashPoint) => {
    if (armed && at === point) {
      armed = false;
      throw new Crash();
    }
  };
  class Crashing extends InvoiceStore {
    override async finalizeDraft(...args: Parameters<InvoiceStore["finalizeDraft"]>) {
      if (change === "finalizeDraft") crashIf("before-change");
      const outcome = await super.finalizeDraft(...args);
      if (change === "finalizeDraft") crashIf("after-change");
      return outcome;
    }
    override async voidFinalized(...args: Parameters<InvoiceStore["voidFinalized"]>) {
      if (change === "voidFinalized") crashIf("before-change");
      const outcome = await super.voidFinalized(...args);
      if (change === "voidFinalized") crashIf("after-change");
      return outcome;
    }
    override async replaceDraft(...args: Parameters<InvoiceStore["replaceDraft"]>) {
      if (change === "replaceDraft") crashIf("before-change");
      const outcome = await super.replaceDraft(...args);
      if (change === "replaceDraft") crashIf("after-change");
      return outcome;
    }
    override async claimPublication(...args: Parameters<InvoiceStore["claimPublication"]>) {
      const claim = await super.claimPublication(...args);
      crashIf("after-claim");
      return claim;
    }
    override async releasePublication(...args: Parameters<InvoiceStore["releasePublication"]>) {
      const released = await super.releasePublication(...args);
      crashIf("after-release");
      return released;
    }
  }
  return new Crashing();
}

/** Invoicing's dependencies with a recording publisher, its wall clock `offsetMs` ahead. */
function depsWith(
  published: Published[],
  options: { invoices?: InvoiceStore; offsetMs?: number; crashPublish?: boolean } = {},
): BillingDeps {
  return {
    ...billingDeps(),
    ...(options.invoices ? { invoices: options.invoices } : {}),
    publish: recordingPublisher(published, options.crashPublish ?? false),
    clock: () => Date.now() + (options.offsetMs ?? 0),
  };
}

/** The billing clock's review of the drafts at `now`, each job handled by a worker with `deps`. */
async function clockReview(now: string, deps: BillingDeps): Promise<DraftDue[]> {
  const jobs: DraftDue[] = [];
  await enqueueDueDrafts(deps, now, async (batch) => {
    jobs.push(...batch);
  });
  for (const job of jobs) await reviewDraft(deps, job);
  return jobs;
}

/** A customer with a grace period of 1 day and its draft for March, made by the clock on April 1. */
async function draftOf(name: string): Promise<StoredInvoice> {
  const seeded = await seedCatalogOnly({ name, subscriptionAt: "2026-03-01T00:00:00Z", gracePeriodDays: 1 });
  await deliverInvoicingInbox();
  await clock({ now: "2026-04-01T00:00:00.000Z" }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
  const [draft, ...others] = await new InvoiceStore().list(seeded.organizationId);
  expect(others).toEqual([]);
  expect(draft).toMatchObject({ status: "draft" });
  return draft as StoredInvoice;
}

async function counterValue(invoice: StoredInvoice): Promise<number> {
  const { Item } = await documentClient().send(
    new GetCommand({
      TableName: process.env.INVOICING_TABLE,
      Key: { pk: invoice.organizationId, sk: joinKey("counter", `invoice#customer#${invoice.customerId}`) },
      ConsistentRead: true,
    }),
  );
  return Number(Item?.value ?? 0);
}

async function waitingIds(): Promise<string[]> {
  const store = new InvoiceStore();
  return (await Promise.all(allWaitingShards().map((shard) => store.waitingInvoices(shard))))
    .flat()
    .map((entry) => entry.invoiceId);
}

/** One consistent state: `status`, one number, nothing owed, nothing left for the clock. */
async function expectSettled(draft: StoredInvoice, status: "finalized" | "voided"): Promise<StoredInvoice> {
  const stored = (await new InvoiceStore().get(draft.organizationId, draft.id)) as StoredInvoice;
  expect(stored).toMatchObject({ status, sequentialId: 1, number: expect.stringMatching(/-001-001$/) });
  expect(owedEvents(stored)).toEqual([]);
  expect(stored.publicationLeaseUntil).toBeUndefined();
  expect(await counterValue(draft)).toBe(1);
  expect(await waitingIds()).not.toContain(draft.id);
  return stored;
}

const GRACE_OVER = "2026-04-02T00:00:00.000Z";
const CRASH_POINTS: readonly CrashPoint[] = [
  "before-change",
  "after-change",
  "after-claim",
  "after-publish",
  "after-release",
];

describe("a scheduled finalization that dies between two writes", () => {
  for (const point of CRASH_POINTS) {
    it(`${point}: redelivered and caught up by the clock, numbers the invoice once and publishes it once`, async () => {
      const draft = await draftOf(`Final ${point}`);
      const published: Published[] = [];
      const job: DraftDue = {
        kind: "draft_due",
        organizationId: draft.organizationId,
        invoiceId: draft.id,
        now: GRACE_OVER,
      };
      await expect(
        reviewDraft(
          depsWith(published, {
            invoices: point === "after-publish" ? new InvoiceStore() : crashingStore(point, "finalizeDraft"),
            crashPublish: point === "after-publish",
          }),
          job,
        ),
      ).rejects.toThrow(Crash);

      // SQS delivers the job again, and again (a duplicate); then the clock runs.
      await reviewDraft(depsWith(published, { offsetMs: REDELIVERY_MS }), job);
      await reviewDraft(depsWith(published, { offsetMs: REDELIVERY_MS }), job);
      await clockReview("2026-04-02T00:15:00.000Z", depsWith(published, { offsetMs: 2 * REDELIVERY_MS }));

      const stored = await expectSettled(draft, "finalized");
      expect(stored.issuingDate).toBe("2026-04-02");
      const created = published.filter((event) => event.invoiceId === draft.id);
      // Only a mark lost after its publication publishes again: with the same key.
      expect(created.map((event) => event.type)).toEqual(
        point === "after-publish" ? ["invoice.created", "invoice.created"] : ["invoice.created"],
      );
      expect(new Set(created.map((event) => event.uniqueKey)).size).toBe(1);
    });
  }
});

describe("a void that dies between two writes", () => {
  for (const point of CRASH_POINTS) {
    it(`${point}: retried by the client and caught up by the clock, voids once and publishes it once`, async () => {
      const draft = await draftOf(`Void ${point}`);
      const published: Published[] = [];
      await reviewDraft(depsWith(published), {
        kind: "draft_due",
        organizationId: draft.organizationId,
        invoiceId: draft.id,
        now: GRACE_OVER,
      });
      const voidAt = "2026-04-03T10:00:00.000Z";
      await expect(
        voidInvoice(
          depsWith(published, {
            invoices: point === "after-publish" ? new InvoiceStore() : crashingStore(point, "voidFinalized"),
            crashPublish: point === "after-publish",
          }),
          draft.organizationId,
          draft.id,
          voidAt,
        ),
      ).rejects.toThrow(Crash);

      // The client sends it again: voided already (Lago's 405), unless the crash came first.
      const again = await voidInvoice(
        depsWith(published, { offsetMs: REDELIVERY_MS }),
        draft.organizationId,
        draft.id,
        voidAt,
      );
      expect(again.kind).toBe(point === "before-change" ? "voided" : "refused");
      await clockReview("2026-04-03T10:15:00.000Z", depsWith(published, { offsetMs: 2 * REDELIVERY_MS }));

      const stored = await expectSettled(draft, "voided");
      expect(stored.voidedAt).toBe(voidAt);
      const voided = published.filter(
        (event) => event.invoiceId === draft.id && event.type === "invoice.voided",
      );
      expect(voided).toHaveLength(point === "after-publish" ? 2 : 1);
      expect(new Set(voided.map((event) => event.uniqueKey)).size).toBe(1);
      expect(
        published.filter((event) => event.type === "invoice.created" && event.invoiceId === draft.id),
      ).toHaveLength(1);
    });
  }
});

describe("a refresh that dies", () => {
  for (const point of ["before-change", "after-change"] as const) {
    it(`${point}: redelivered, leaves one refreshed draft and publishes nothing`, async () => {
      const draft = await draftOf(`Refresh ${point}`);
      const { organizationId } = draft;
      // Late usage flags the draft (as the events consumer's notice does).
      await new InvoiceStore().flagDraftForRefresh(
        organizationId,
        draft.subscriptionId,
        draft.periodStartsAt,
      );
      const published: Published[] = [];
      const job: DraftDue = {
        kind: "draft_due",
        organizationId,
        invoiceId: draft.id,
        now: "2026-04-01T12:00:00.000Z",
      };
      await expect(
        reviewDraft(depsWith(published, { invoices: crashingStore(point, "replaceDraft") }), job),
      ).rejects.toThrow(Crash);
      await reviewDraft(depsWith(published, { offsetMs: REDELIVERY_MS }), job);
      await reviewDraft(depsWith(published, { offsetMs: REDELIVERY_MS }), job);
      const stored = (await new InvoiceStore().get(organizationId, draft.id)) as StoredInvoice;
      expect(stored).toMatchObject({
        status: "draft",
        sequentialId: null,
        number: draft.number,
        totalAmountCents: draft.totalAmountCents,
        updatedAt: "2026-04-01T12:00:00.000Z",
      });
      expect(stored.readyToBeRefreshed).toBeUndefined();
      expect(published).toEqual([]);
      expect(await counterValue(draft)).toBe(0);
      expect(await waitingIds()).toContain(draft.id);
    });
  }
});

describe("late usage during a refresh", () => {
  it("lands after the refresh read usage: the refresh is made again, so the draft counts it", async () => {
    const draft = await draftOf("Flag Race");
    const { organizationId, subscriptionId, periodStartsAt } = draft;
    await new InvoiceStore().flagDraftForRefresh(organizationId, subscriptionId, periodStartsAt);
    let attempts = 0;
    // Another late event is told to invoicing while the first refresh prices usage.
    class LateDuringRefresh extends InvoiceStore {
      override async replaceDraft(...args: Parameters<InvoiceStore["replaceDraft"]>) {
        if (++attempts === 1)
          await new InvoiceStore().flagDraftForRefresh(organizationId, subscriptionId, periodStartsAt);
        return super.replaceDraft(...args);
      }
    }
    const job: DraftDue = {
      kind: "draft_due",
      organizationId,
      invoiceId: draft.id,
      now: "2026-04-01T12:00:00.000Z",
    };
    await reviewDraft(depsWith([], { invoices: new LateDuringRefresh() }), job);
    // The first write failed on the new flag, and the second read usage after it.
    expect(attempts).toBe(2);
    const stored = (await new InvoiceStore().get(organizationId, draft.id)) as StoredInvoice;
    expect(stored).toMatchObject({ status: "draft", updatedAt: "2026-04-01T12:00:00.000Z" });
    expect(stored.readyToBeRefreshed).toBeUndefined();
  });
});
