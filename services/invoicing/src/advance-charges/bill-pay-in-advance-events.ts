import type { PayInAdvanceEvents } from "#shared/contracts/invoicing-messages.js";
import type { BillableMetric, Charge, Subscription } from "#shared/domain/catalog.js";
import { advanceStep, billsInAdvance } from "#shared/domain/charges/advance-usage.js";
import { applicableNetPaymentTermDays, finalizationDates } from "#shared/domain/invoices/issuing-dates.js";
import { AmountOutOfRangeError } from "#shared/domain/money.js";
import { stableUuid } from "#shared/platform/ids.js";
import { createLogger } from "#shared/platform/logger.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { type Context, contextOf } from "../billing/close-due-periods.js";
import type { DomainEventPublisher } from "../billing/domain-events.js";
import { serializeFeeObject } from "../fees/serialize-fee.js";
import { invoiceEmbeds } from "../invoices/invoice-embeds.js";
import { feeCreatedPayload } from "../invoices/invoice-event-bodies.js";
import { numberingPlan } from "../invoices/number-invoice.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import type { InvoiceStore } from "../store/invoice-store.js";
import {
  advanceBucket,
  advanceChargeFee,
  advanceChargeInvoice,
  advanceFeeIds,
  appliedTaxesOf,
} from "./advance-charge-fee.js";
import type {
  AdvanceFeeRecord,
  AdvanceFeeStore,
  AdvanceUsageKey,
  AdvanceUsageRead,
} from "./advance-fee-store.js";
import { serializeStandaloneFee, standaloneHolder } from "./serialize-advance-fee.js";

export interface AdvanceChargeDeps {
  /** Read only: subscriptions, plans, metrics, customers and taxes are the catalog's. */
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  readonly invoices: InvoiceStore;
  readonly advanceFees: AdvanceFeeStore;
  readonly publish: DomainEventPublisher;
  /** Wall clock for publication leases only. */
  readonly clock?: () => number;
}

export interface AdvanceOutcome {
  /** Fees made by this call. */
  readonly billed: number;
  /** Fees found made by an earlier delivery (finished if they were not). */
  readonly alreadyBilled: number;
}

type AdvanceEvent = PayInAdvanceEvents["events"][number];

const logger = createLogger("invoicing-worker");

/** Attempts of one event whose bucket other events keep billing first, before SQS redelivers it. */
const MAX_ATTEMPTS = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A charge's fee is made for an event that carries what the metric aggregates (Lago's `processable_event`). */
function processable(charge: Charge, metric: BillableMetric, event: AdvanceEvent): boolean {
  if (!charge.invoiceable) return true;
  if (metric.aggregationType === "count_agg") return true;
  const value = event.properties[metric.fieldName ?? ""];
  return value !== undefined && value !== null && value !== "";
}

/**
 * The period a bucket's billed usage is kept for: its own, or for a recurring metric every period
 * (its value carries on, as Lago aggregates recurring metrics in advance from the start).
 */
export const usagePeriodKey = (metric: Pick<BillableMetric, "recurring">, periodStartsAt: string) =>
  metric.recurring ? "recurring" : periodStartsAt;

/** Lago's inclusive end of a period: the last second before it ends. */
const inclusiveEnd = (endsAt: string) => new Date(Date.parse(endsAt) - 1000).toISOString();

/**
 * Bills the pay-in-advance charges of each event at once (Lago's instant charges): for every
 * pay-in-advance charge of the subscription's plan on the event's metric, one fee, model(usage
 * with the event) − model(usage before it), the usage being that of the events of the period
 * already billed in this bucket (`advanceStep`). An invoiceable charge's fee is billed on its own
 * invoice, finalized and numbered at once, owing `invoice.created`; another's is a standalone fee.
 * Every fee owes `fee.created`, as in Lago.
 *
 * Once per event whatever is delivered twice: the fee's id comes from (charge, filter, event) and
 * is written with the bucket's next usage in one transaction conditional on both; a fee found
 * written is finished (its invoice saved once, its event published once) rather than billed again,
 * so a crash between the fee and its invoice bills the event once.
 */
export async function billPayInAdvanceEvents(
  deps: AdvanceChargeDeps,
  message: PayInAdvanceEvents,
): Promise<AdvanceOutcome> {
  const { organizationId } = message;
  const record = await deps.catalog.subscriptionRecord(
    organizationId,
    message.externalSubscriptionId,
    message.subscriptionId,
  );
  if (!record || record.subscription.id !== message.subscriptionId) return { billed: 0, alreadyBilled: 0 };
  const subscription = record.subscription;
  const context = await contextOf(deps, subscription);
  const charges = context.plan.charges.filter((charge) => charge.payInAdvance);
  const metrics = new Map<string, BillableMetric>();
  for (const code of new Set(message.events.map((event) => event.code))) {
    const metric = await deps.catalog.getMetric(organizationId, code);
    if (metric && billsInAdvance(metric)) metrics.set(code, metric);
  }
  // Each bucket's usage as this call last wrote it: its next event needs no read.
  const known = new Map<string, AdvanceUsageRead>();
  let billed = 0;
  let alreadyBilled = 0;
  for (const event of message.events) {
    const metric = metrics.get(event.code);
    if (!metric) continue;
    for (const charge of charges) {
      if (charge.billableMetricCode !== event.code || !processable(charge, metric, event)) continue;
      let made: boolean;
      try {
        made = await billEvent(deps, message, { ...context, subscription }, charge, metric, event, known);
      } catch (error) {
        // A fee beyond what can be billed (±2^53 − 1 minor units) can never be made: the event is
        // left unbilled rather than failing its message forever; every other failure is retried.
        if (!(error instanceof AmountOutOfRangeError)) throw error;
        logger.warn("pay-in-advance fee out of range", {
          organizationId,
          chargeId: charge.id,
          transactionId: event.transactionId,
        });
        continue;
      }
      if (made) billed += 1;
      else alreadyBilled += 1;
    }
  }
  return { billed, alreadyBilled };
}

/** One charge's fee for one event; true when made by this call, false when found made. */
async function billEvent(
  deps: AdvanceChargeDeps,
  message: PayInAdvanceEvents,
  context: Context & { readonly subscription: Subscription },
  charge: Charge,
  metric: BillableMetric,
  event: AdvanceEvent,
  known: Map<string, AdvanceUsageRead>,
): Promise<boolean> {
  const { organizationId } = message;
  const { customer, organization, plan, taxes, timezone, subscription } = context;
  const bucket = advanceBucket(charge, metric, event);
  const ids = advanceFeeIds(organizationId, message.subscriptionId, charge, bucket, event.transactionId);
  const key: AdvanceUsageKey = {
    organizationId,
    subscriptionId: message.subscriptionId,
    periodStartsAt: usagePeriodKey(metric, message.periodStartsAt),
    chargeId: charge.id,
    bucketKey: bucket.key,
  };
  const knownKey = JSON.stringify([charge.id, bucket.key]);
  // Lago's charges_from_datetime: the period's start, or the subscription's if it started later.
  const fromDatetime =
    subscription.startedAt && subscription.startedAt > message.periodStartsAt
      ? subscription.startedAt
      : message.periodStartsAt;
  for (let attempt = 1; ; attempt++) {
    const read = known.get(knownKey) ?? (await deps.advanceFees.usage(key));
    const step = advanceStep(charge, bucket.properties, metric, read.state, event, plan.amountCurrency);
    const fee = advanceChargeFee({
      id: ids.feeId,
      charge,
      metric,
      bucket,
      priced: step.fee,
      eventsCount: 1,
      transactionId: event.transactionId,
      plan,
      customer,
      taxes,
      fromDatetime,
      toDatetime: inclusiveEnd(message.periodEndsAt),
    });
    const invoice =
      ids.invoiceId === null
        ? null
        : advanceChargeInvoice({
            id: ids.invoiceId,
            fee,
            organizationId,
            customer,
            subscription,
            currency: plan.amountCurrency,
            timezone,
            taxes,
            periodStartsAt: message.periodStartsAt,
            periodEndsAt: message.periodEndsAt,
            now: event.receivedAt,
            // Lago dates the invoice by the event's timestamp, in the customer's timezone.
            dates: finalizationDates(
              event.timestamp,
              timezone,
              applicableNetPaymentTermDays(customer, organization),
            ),
          });
    const feeRecord: AdvanceFeeRecord = {
      organizationId,
      fee,
      subscriptionId: message.subscriptionId,
      externalSubscriptionId: message.externalSubscriptionId,
      customerId: customer.id,
      externalCustomerId: customer.externalId,
      currency: plan.amountCurrency,
      timezone,
      appliedTaxes: appliedTaxesOf([fee], taxes),
      periodStartsAt: message.periodStartsAt,
      periodEndsAt: message.periodEndsAt,
      createdAt: event.receivedAt,
      paymentStatus: "pending",
      invoiceId: invoice ? invoice.id : null,
      invoice,
      feeCreatedOwed: true,
    };
    const outcome = await deps.advanceFees.bill(key, read, step.next, feeRecord);
    if (outcome.kind === "billed") {
      known.set(knownKey, { state: step.next, revision: outcome.revision });
      await finish(deps, context, feeRecord);
      return true;
    }
    known.delete(knownKey);
    if (outcome.kind === "already_billed") {
      const existing = await deps.advanceFees.record(organizationId, ids.feeId);
      if (existing) await finish(deps, context, existing);
      return false;
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error(`pay-in-advance usage of charge ${charge.id} kept changing`);
    // Full jitter: concurrent events of one bucket spread their next tries apart.
    await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
  }
}

/**
 * What follows a fee's write, done again by whoever finds the fee written: its invoice saved once
 * (numbered in the same transaction), `fee.created` published until it is marked published (a
 * repeat carries the same unique key), then the invoice's `invoice.created` through its outbox.
 */
async function finish(deps: AdvanceChargeDeps, context: Context, record: AdvanceFeeRecord): Promise<void> {
  const { organization, customer } = context;
  const holder = record.invoice
    ? (
        await deps.invoices.saveOnce(
          record.invoice,
          numberingPlan(organization, customer, record.invoice.issuingDate),
        )
      ).invoice
    : standaloneHolder(record);
  if (record.feeCreatedOwed) {
    // Lago tells of every pay-in-advance fee, invoiced or not, before its invoice's invoice.created.
    const embeds = await invoiceEmbeds({ catalog: deps.catalog, organization }, [holder], record.createdAt);
    const view = embeds
      .get(holder.id)
      ?.subscriptions.find((candidate) => candidate.subscription.id === record.subscriptionId);
    const fee = record.invoice
      ? serializeFeeObject(record.fee, holder, view)
      : serializeStandaloneFee(record, view);
    await deps.publish(
      "fee.created",
      record.organizationId,
      feeCreatedPayload(record.organizationId, fee),
      stableUuid("fee-event", record.fee.id, "fee.created"),
    );
    await deps.advanceFees.markFeeCreatedPublished(record.organizationId, record.fee.id);
  }
  if (record.invoice) await publishInvoiceEvents(deps, record.organizationId, record.invoice.id);
}
