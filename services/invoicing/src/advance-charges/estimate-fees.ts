import type { BillableMetric, Organization } from "#shared/domain/catalog.js";
import { advanceStep } from "#shared/domain/charges/advance-usage.js";
import { AmountOutOfRangeError } from "#shared/domain/money.js";
import { isWithinSubscription, subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { stableUuid } from "#shared/platform/ids.js";
import { isLosslessNumber } from "#shared/platform/json/json-text.js";
import { contextOf } from "../billing/close-due-periods.js";
import { invoiceEmbeds } from "../invoices/invoice-embeds.js";
import { advanceBucket, advanceChargeFee, appliedTaxesOf } from "./advance-charge-fee.js";
import type { AdvanceFeeRecord } from "./advance-fee-store.js";
import { type AdvanceChargeDeps, usagePeriodKey } from "./bill-pay-in-advance-events.js";
import {
  type StandaloneFeeShape,
  serializeStandaloneFee,
  standaloneHolder,
} from "./serialize-advance-fee.js";

export interface EstimateRequest {
  readonly organization: Organization;
  readonly externalSubscriptionId: string;
  readonly code: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly preciseTotalAmountCents: string | null;
  /** The event is estimated as received now (Lago's estimate ignores its timestamp). */
  readonly now: string;
}

/** An estimated fee is stored nowhere: Lago sends its id as null. */
export type EstimatedFeeShape = Omit<StandaloneFeeShape, "lago_id"> & { readonly lago_id: null };

/** The aggregations whose field Lago checks is a number before estimating (`valid_properties?`). */
const NUMERIC_FIELDS = new Set(["sum_agg", "max_agg", "latest_agg"]);

function checkProperties(metric: BillableMetric, properties: Readonly<Record<string, unknown>>): void {
  if (!NUMERIC_FIELDS.has(metric.aggregationType)) return;
  const value = properties[metric.fieldName ?? ""];
  if (value === undefined || value === null || typeof value === "number" || isLosslessNumber(value)) return;
  // Lago's `Float(value)`: a text that reads as a number.
  const readable = typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value));
  if (!readable) throw invalid("properties", "value_is_not_valid_number");
}

/**
 * The fees an event would make now (`POST /events/estimate_fees`, Lago's
 * `Fees::EstimatePayInAdvanceService`): for each pay-in-advance charge of the subscription's plan
 * on the event's metric, the fee `billPayInAdvanceEvents` would bill on top of the period's usage
 * billed so far, with its taxes. Nothing is stored. Lago's refusals: 404 `subscription_not_found`
 * (unknown, or not active now), 404 `billable_metric_not_found`, 422 `properties:
 * value_is_not_valid_number`, 422 `code: does_not_match_an_instant_charge`.
 */
export async function estimateFees(
  deps: Pick<AdvanceChargeDeps, "catalog" | "organizations" | "advanceFees">,
  request: EstimateRequest,
): Promise<EstimatedFeeShape[]> {
  const { organization, now } = request;
  const record = await deps.catalog.subscriptionRecord(organization.id, request.externalSubscriptionId);
  const subscription = record?.subscription;
  if (!subscription || !isWithinSubscription(subscription, now)) throw notFound("subscription");
  const metric = await deps.catalog.getMetric(organization.id, request.code);
  if (!metric) throw notFound("billable_metric");
  checkProperties(metric, request.properties);
  const context = await contextOf(deps, subscription);
  const charges = context.plan.charges.filter(
    (charge) => charge.payInAdvance && charge.billableMetricCode === metric.code,
  );
  if (charges.length === 0) throw invalid("code", "does_not_match_an_instant_charge");

  const { plan, customer, taxes, timezone } = context;
  const period = subscriptionPeriodAt(subscription, plan, timezone, now);
  const event = { properties: request.properties, preciseTotalAmountCents: request.preciseTotalAmountCents };
  const records = await pricedOrRefused(() =>
    Promise.all(
      charges.map(async (charge): Promise<AdvanceFeeRecord> => {
        const bucket = advanceBucket(charge, metric, event);
        const usage = await deps.advanceFees.usage({
          organizationId: organization.id,
          subscriptionId: subscription.id,
          periodStartsAt: usagePeriodKey(metric, period.startsAt),
          chargeId: charge.id,
          bucketKey: bucket.key,
        });
        const step = advanceStep(charge, bucket.properties, metric, usage.state, event, plan.amountCurrency);
        const fee = advanceChargeFee({
          // Never stored nor shown (an estimate's id is null): only what the serializer keys on.
          id: stableUuid("estimated-fee", subscription.id, charge.id, now),
          charge,
          metric,
          bucket,
          priced: step.fee,
          eventsCount: 1,
          transactionId: "",
          plan,
          customer,
          taxes,
          fromDatetime:
            subscription.startedAt && subscription.startedAt > period.startsAt
              ? subscription.startedAt
              : period.startsAt,
          toDatetime: new Date(Date.parse(period.endsAt) - 1000).toISOString(),
        });
        return {
          organizationId: organization.id,
          fee: { ...fee, eventTransactionId: null },
          subscriptionId: subscription.id,
          externalSubscriptionId: subscription.externalId,
          customerId: customer.id,
          externalCustomerId: customer.externalId,
          currency: plan.amountCurrency,
          timezone,
          appliedTaxes: appliedTaxesOf([fee], taxes),
          periodStartsAt: period.startsAt,
          periodEndsAt: period.endsAt,
          createdAt: now,
          paymentStatus: "pending",
          invoiceId: null,
          invoice: null,
          feeCreatedOwed: false,
        };
      }),
    ),
  );
  const embeds = await invoiceEmbeds(
    { catalog: deps.catalog, organization },
    records.slice(0, 1).map(standaloneHolder),
    now,
  );
  const view = [...embeds.values()][0]?.subscriptions.find(
    (candidate) => candidate.subscription.id === subscription.id,
  );
  return records.map((one) => ({ ...serializeStandaloneFee(one, view), lago_id: null }));
}

/** A fee no client could read exactly (past ±2^53 − 1 minor units) is refused, as a one-off invoice's. */
async function pricedOrRefused<T>(price: () => Promise<T>): Promise<T> {
  try {
    return await price();
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) throw invalid("properties", "value_is_out_of_range");
    throw error;
  }
}
