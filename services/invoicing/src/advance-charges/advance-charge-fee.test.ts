import { describe, expect, it } from "vitest";
import type { BillableMetric, Charge, Tax } from "#shared/domain/catalog.js";
import { advanceStep, EMPTY_ADVANCE_USAGE } from "#shared/domain/charges/advance-usage.js";
import { invoiceIdPrefixOf } from "../fees/fee-ids.js";
import {
  advanceBucket,
  advanceChargeFee,
  advanceChargeInvoice,
  advanceFeeIds,
} from "./advance-charge-fee.js";

const metric: BillableMetric = {
  id: "metric-1",
  organizationId: "org",
  name: "Calls",
  code: "calls",
  description: null,
  aggregationType: "count_agg",
  fieldName: null,
  recurring: false,
  roundingFunction: null,
  roundingPrecision: null,
  weightedInterval: null,
  filters: [{ key: "region", values: ["eu", "us"] }],
  createdAt: "2026-01-01T00:00:00.000Z",
};

const charge: Charge = {
  id: "charge-1",
  billableMetricId: metric.id,
  billableMetricCode: metric.code,
  chargeModel: "standard",
  properties: { amount: "1", pricing_group_keys: ["team"] },
  filters: [
    {
      id: "filter-eu",
      invoiceDisplayName: null,
      properties: { amount: "5" },
      values: { region: ["eu"] },
    },
  ],
  payInAdvance: true,
  invoiceable: true,
  regroupPaidFees: null,
  prorated: false,
  minAmountCents: 0,
  invoiceDisplayName: null,
  taxCodes: [],
  createdAt: "2026-01-01T00:00:00.000Z",
};

const vat: Tax = {
  id: "tax-1",
  organizationId: "org",
  name: "VAT",
  code: "vat",
  rate: "20",
  description: null,
  appliedToOrganization: true,
  createdAt: "2026-01-01T00:00:00.000Z",
};

describe("advanceBucket", () => {
  it("puts an event in the filter it matches, priced on the filter's properties", () => {
    const bucket = advanceBucket(charge, metric, { properties: { region: "eu" } });
    expect(bucket.filter?.id).toBe("filter-eu");
    expect(bucket.properties).toEqual({ amount: "5" });
    // The filter does not group: no pricing group.
    expect(bucket.groupedBy).toBeNull();
  });

  it("puts an unmatched event in the default bucket, on the charge's properties and pricing group", () => {
    const bucket = advanceBucket(charge, metric, { properties: { region: "us", team: "blue" } });
    expect(bucket.filter).toBeNull();
    expect(bucket.groupedBy).toEqual({ team: "blue" });
    expect(bucket.key).not.toBe(advanceBucket(charge, metric, { properties: { team: "red" } }).key);
  });
});

describe("advanceFeeIds", () => {
  it("gives an event one fee per charge and filter, whose id carries its invoice's", () => {
    const bucket = advanceBucket(charge, metric, { properties: {} });
    const ids = advanceFeeIds("org", "sub", charge, bucket, "tx-1");
    expect(ids).toEqual(advanceFeeIds("org", "sub", charge, bucket, "tx-1"));
    expect(ids.invoiceId).not.toBeNull();
    expect(invoiceIdPrefixOf(ids.feeId)).toBe(ids.invoiceId?.slice(0, 24));
    expect(advanceFeeIds("org", "sub", charge, bucket, "tx-2").feeId).not.toBe(ids.feeId);
  });

  it("makes no invoice for a charge that is not invoiceable", () => {
    const bucket = advanceBucket(charge, metric, { properties: {} });
    expect(
      advanceFeeIds("org", "sub", { ...charge, invoiceable: false }, bucket, "tx-1").invoiceId,
    ).toBeNull();
  });
});

describe("advanceChargeInvoice", () => {
  it("bills the fee with its taxes, finalized, settled from the start when it is zero", () => {
    const bucket = advanceBucket(charge, metric, { properties: { region: "eu" } });
    const step = advanceStep(
      charge,
      bucket.properties,
      metric,
      EMPTY_ADVANCE_USAGE,
      { properties: {}, preciseTotalAmountCents: null },
      "EUR",
    );
    const fee = advanceChargeFee({
      id: "fee-1",
      charge,
      metric,
      bucket,
      priced: step.fee,
      eventsCount: 1,
      transactionId: "tx-1",
      plan: { taxCodes: [], amountCurrency: "EUR" },
      customer: { taxCodes: [] },
      taxes: [vat],
      fromDatetime: "2026-03-01T00:00:00.000Z",
      toDatetime: "2026-03-31T23:59:59.000Z",
    });
    // The filter's 5.00, VAT 20 % (the organization's tax): 1.00.
    expect(fee).toMatchObject({
      amountCents: 500,
      units: "1.0",
      taxCodes: ["vat"],
      taxesAmountCents: 100,
      payInAdvance: true,
      eventTransactionId: "tx-1",
      chargeFilterId: "filter-eu",
    });
    const invoice = advanceChargeInvoice({
      id: "invoice-1",
      fee,
      organizationId: "org",
      customer: { id: "cus", externalId: "cus_1" },
      subscription: { id: "sub", externalId: "sub_1", planId: "plan" },
      currency: "EUR",
      timezone: "UTC",
      taxes: [vat],
      periodStartsAt: "2026-03-01T00:00:00.000Z",
      periodEndsAt: "2026-04-01T00:00:00.000Z",
      now: "2026-03-05T10:00:00.000Z",
      dates: { issuingDate: "2026-03-05", paymentDueDate: "2026-03-05", netPaymentTermDays: 0 },
    });
    expect(invoice).toMatchObject({
      status: "finalized",
      invoiceType: "subscription",
      paymentStatus: "pending",
      feesAmountCents: 500,
      taxesAmountCents: 100,
      totalAmountCents: 600,
      billingPeriods: [{ invoicingReason: "in_advance_charge" }],
    });
    const zero = advanceChargeInvoice({
      ...invoiceInput(invoice),
      fee: { ...fee, amountCents: 0, taxesAmountCents: 0 },
    });
    expect(zero.paymentStatus).toBe("succeeded");
  });
});

function invoiceInput(invoice: ReturnType<typeof advanceChargeInvoice>) {
  return {
    id: invoice.id,
    organizationId: invoice.organizationId,
    customer: { id: invoice.customerId, externalId: invoice.externalCustomerId },
    subscription: { id: invoice.subscriptionId, externalId: invoice.externalSubscriptionId, planId: "plan" },
    currency: invoice.currency,
    timezone: invoice.timezone,
    taxes: [vat],
    periodStartsAt: invoice.periodStartsAt,
    periodEndsAt: invoice.periodEndsAt,
    now: invoice.createdAt,
    dates: {
      issuingDate: invoice.issuingDate,
      paymentDueDate: invoice.paymentDueDate,
      netPaymentTermDays: 0,
    },
  };
}
