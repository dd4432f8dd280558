import { describe, expect, it } from "vitest";
import type { Plan, Subscription } from "#shared/domain/catalog.js";
import type { ChargeFee } from "#shared/domain/charge-fees.js";
import { decimal } from "#shared/domain/money.js";
import { billingWindow, subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import {
  plan as basePlan,
  subscription as baseSubscription,
  customer,
  organization,
  requestsCharge,
  requestsMetric,
  vat,
} from "#shared/serializers/test-fixtures.js";
import { buildPeriodInvoice } from "./build-period-invoice.js";

const TIMEZONE = customer.timezone as string;
const charge = { ...requestsCharge, minAmountCents: 2000, properties: { amount: "0.001" } };
const plan: Plan = { ...basePlan, amountCents: 2800, charges: [charge] };
const [euFilter] = charge.filters;

function chargeFee(
  filter: typeof euFilter | null,
  units: string,
  amountCents: number,
  precise: string,
): ChargeFee {
  return {
    charge,
    metric: requestsMetric,
    filter: filter ?? null,
    groupedBy: null,
    units: decimal(units),
    eventsCount: amountCents > 0 ? 3 : 0,
    totalAggregatedUnits: null,
    amount: decimal(precise).dividedBy(100),
    unitAmount: decimal(filter ? "0.002" : "0.001"),
    amountDetails: {},
    amountCents,
    preciseAmountCents: decimal(precise),
  };
}

/** February 2026 in New York for a subscription that started on the 10th: 19 of 28 days. */
function invoiceOf(subscription: Subscription, chargeFees: readonly ChargeFee[], forPlan: Plan = plan) {
  const period = subscriptionPeriodAt(subscription, forPlan, TIMEZONE, "2026-02-15T12:00:00.000Z");
  return buildPeriodInvoice({
    organization,
    customer,
    subscription,
    plan: forPlan,
    window: billingWindow(subscription, period, TIMEZONE),
    timezone: TIMEZONE,
    graceDays: 0,
    netPaymentTermDays: 30,
    chargeFees,
    taxes: [vat],
    now: "2026-03-01T05:10:00.000Z",
  });
}

describe("buildPeriodInvoice's true-ups", () => {
  it("tops up the charge's empty default bucket, and bills the commitment's shortfall with the commitment's taxes", () => {
    // The EU filter billed 691 cents; the default bucket nothing.
    const invoice = invoiceOf(baseSubscription, [
      chargeFee(euFilter ?? null, "345.67", 691, "691.34"),
      chargeFee(null, "0", 0, "0"),
    ]);
    // Base: 2800 × 19/28 = 1900. Minimum: 2000 × 19/28 = 1357.14, less 691 → 666 (precise 665.80…).
    // Commitment: 50000 × 19/28 = 33928.57 → 33929, less 1900 + 691 + 666 → 30672, VAT 6134.4 → 6134.
    expect(
      invoice.fees.map((fee) => [
        fee.feeType,
        fee.chargeFilterId,
        fee.units,
        fee.amountCents,
        fee.taxesAmountCents,
      ]),
    ).toEqual([
      ["subscription", null, "1.0", 1900, 380],
      ["charge", euFilter?.id, "345.67", 691, 138],
      ["charge", null, "0.0", 0, 0],
      ["charge", null, "1.0", 666, 133],
      ["commitment", null, "1.0", 30_672, 6134],
    ]);
    const [, eu, parent, trueUp, commitment] = invoice.fees;
    expect(eu?.trueUpFeeId ?? null).toBeNull();
    expect(parent?.trueUpFeeId).toBe(trueUp?.id);
    expect(trueUp).toMatchObject({ trueUpParentFeeId: parent?.id, eventsCount: 0, chargeId: charge.id });
    expect(trueUp?.preciseAmountCents.startsWith("665.80285714")).toBe(true);
    expect(commitment).toMatchObject({
      invoiceDisplayName: "Commitment",
      taxCodes: ["vat"],
      itemCode: "startup",
    });
    expect(invoice.feesAmountCents).toBe(33_929);
  });

  it("prorates both to a termination's day and bills none when the fees reach them", () => {
    // Terminated on Feb 20 (New York): 11 of 28 days. Minimum 2000 × 11/28 = 785.71 < 800 billed.
    const terminated = {
      ...baseSubscription,
      status: "terminated" as const,
      terminatedAt: "2026-02-20T20:00:00.000Z",
    };
    const invoice = invoiceOf(terminated, [chargeFee(null, "800", 800, "800")], {
      ...plan,
      minimumCommitment: { amountCents: 5600, invoiceDisplayName: null, taxCodes: [] },
    });
    // Base 2800 × 11/28 = 1100; commitment 5600 × 11/28 = 2200, less 1100 + 800 → 300, taxed as the base fee.
    expect(invoice.fees.map((fee) => [fee.feeType, fee.amountCents, fee.taxesAmountCents])).toEqual([
      ["subscription", 1100, 220],
      ["charge", 800, 160],
      ["commitment", 300, 60],
    ]);
    expect(invoice.fees[2]?.invoiceDisplayName).toBe("Minimum commitment");
    const reached = invoiceOf(terminated, [chargeFee(null, "2000", 2000, "2000")], {
      ...plan,
      minimumCommitment: { amountCents: 5600, invoiceDisplayName: null, taxCodes: [] },
    });
    expect(reached.fees.map((fee) => fee.feeType)).toEqual(["subscription", "charge"]);
  });
});
