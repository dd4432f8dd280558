import { describe, expect, it } from "vitest";
import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import { periodContaining } from "#shared/domain/periods.js";
import { stableUuid } from "#shared/platform/ids.js";
import {
  customer,
  organization,
  plan,
  requestsCharge,
  requestsMetric,
  subscription,
} from "#shared/serializers/test-fixtures.js";
import { type InvoiceEmbeds, serializeInvoice } from "./serialize.js";

const invoiceId = "1a2b3c4d-0000-4000-8000-000000000001";
const [euFilter] = requestsCharge.filters;

const baseFee: InvoiceFee = {
  id: "fee-base",
  feeType: "subscription",
  chargeId: null,
  chargeFilterId: null,
  groupedBy: null,
  billableMetricCode: null,
  itemCode: "startup",
  itemName: "Startup",
  invoiceDisplayName: null,
  units: "1.0",
  eventsCount: 0,
  amountCents: 6452,
  preciseAmountCents: "6451.6129032258064516",
  taxCodes: ["vat"],
  taxesAmountCents: 1290,
  taxesRate: "20",
  preciseUnitAmount: "64.516129032258064516",
  fromDatetime: "2026-02-10T05:00:00.000Z",
  toDatetime: "2026-03-01T04:59:59.000Z",
  itemDescription: "For starters",
  amountDetails: { plan_amount_cents: 10_000 },
};

/** 3,456.7 requests in the EU, team red, at 0.002: 6.9134 €, 691.34 cents, billed 691. */
const euRequestsFee: InvoiceFee = {
  id: "fee-eu",
  feeType: "charge",
  chargeId: requestsCharge.id,
  chargeFilterId: euFilter?.id ?? null,
  groupedBy: { team: "red", region: null },
  billableMetricCode: "requests",
  itemCode: "requests",
  itemName: "Requests",
  invoiceDisplayName: "API requests",
  units: "3456.7",
  eventsCount: 12,
  amountCents: 691,
  preciseAmountCents: "691.34",
  taxCodes: ["vat"],
  taxesAmountCents: 138,
  taxesRate: "20",
  preciseUnitAmount: "0.002",
  fromDatetime: "2026-02-10T15:00:00.000Z",
  toDatetime: "2026-03-01T04:59:59.000Z",
  billableMetricId: requestsMetric.id,
  itemDescription: "API requests",
  chargeFilterValues: { region: ["eu"], tier: ["__ALL_FILTER_VALUES__"] },
  filterInvoiceDisplayName: "eu, tier",
  totalAggregatedUnits: "3456.7",
};

const invoice: Invoice = {
  id: invoiceId,
  organizationId: organization.id,
  customerId: customer.id,
  externalCustomerId: customer.externalId,
  subscriptionId: subscription.id,
  externalSubscriptionId: subscription.externalId,
  invoiceType: "subscription",
  status: "finalized",
  paymentStatus: "pending",
  sequentialId: 1,
  number: "SOC-4A59-007-001",
  issuingDate: "2026-03-01",
  paymentDueDate: "2026-03-31",
  netPaymentTermDays: 30,
  currency: "EUR",
  timezone: "America/New_York",
  periodStartsAt: "2026-02-01T05:00:00.000Z",
  periodEndsAt: "2026-03-01T05:00:00.000Z",
  fees: [baseFee, euRequestsFee],
  appliedTaxes: [
    {
      taxId: "tax-vat",
      taxCode: "vat",
      taxName: "VAT",
      taxDescription: null,
      taxRate: "20",
      feesAmountCents: 7143,
      amountCents: 1429,
    },
  ],
  feesAmountCents: 7143,
  taxesAmountCents: 1429,
  taxesRate: "20",
  subTotalExcludingTaxesAmountCents: 7143,
  subTotalIncludingTaxesAmountCents: 8572,
  totalAmountCents: 8572,
  createdAt: "2026-03-01T05:10:00.000Z",
  updatedAt: "2026-03-01T05:10:00.000Z",
};

const embeds: InvoiceEmbeds = {
  organization,
  customer,
  subscriptions: [
    {
      subscription,
      plan,
      trialEndedAt: null,
      currentPeriod: periodContaining(
        { interval: "monthly", billingTime: "calendar", anchorDate: "2026-02-10" },
        "America/New_York",
        "2026-03-15T00:00:00.000Z",
      ),
    },
  ],
};

describe("invoice serializer", () => {
  it("shows a charge fee's precise amounts in currency units and its item as Lago does", () => {
    const fee = serializeInvoice(invoice, embeds).fees?.find((shown) => shown.lago_id === "fee-eu");
    expect(fee).toMatchObject({
      lago_charge_id: requestsCharge.id,
      lago_charge_filter_id: euFilter?.id,
      amount_cents: 691,
      precise_amount: "6.9134",
      taxes_precise_amount: "1.38268",
      precise_total_amount: "8.29608",
      sub_total_excluding_taxes_precise_amount_cents: "691.34",
      total_amount_cents: 829,
      taxes_rate: 20,
      units: "3456.7",
      total_aggregated_units: "3456.7",
      pay_in_advance: false,
      invoiceable: true,
      amount_details: {},
    });
    expect(fee?.item).toEqual({
      type: "charge",
      code: "requests",
      name: "Requests",
      description: "API requests",
      invoice_display_name: "API requests",
      filter_invoice_display_name: "eu, tier",
      filters: { region: ["eu"], tier: ["__ALL_FILTER_VALUES__"] },
      lago_item_id: requestsMetric.id,
      item_type: "BillableMetric",
      grouped_by: { team: "red", region: null },
    });
  });

  it("shows the base fee's item as the subscription, named by its plan", () => {
    const fee = serializeInvoice(invoice, embeds).fees?.find((shown) => shown.lago_id === "fee-base");
    expect(fee).toMatchObject({
      precise_amount: "64.516129032258064516",
      total_aggregated_units: null,
      amount_details: { plan_amount_cents: 10_000 },
      item: {
        type: "subscription",
        lago_item_id: subscription.id,
        item_type: "Subscription",
        invoice_display_name: "Startup",
        description: "For starters",
        filters: null,
        filter_invoice_display_name: null,
        grouped_by: {},
      },
    });
  });

  it("embeds the full customer and subscriptions, and the billing period", () => {
    const shown = serializeInvoice(invoice, embeds);
    expect(shown.billing_entity_code).toBe("societe_generale_d_energie");
    expect(shown.customer).toMatchObject({
      lago_id: customer.id,
      external_id: "acme",
      slug: "SOC-4A59-007",
      applicable_timezone: "America/New_York",
      billing_configuration: { document_locale: "fr" },
    });
    expect(shown.subscriptions).toEqual([
      expect.objectContaining({
        lago_id: subscription.id,
        external_id: "acme-main",
        plan_code: "startup",
        plan_amount_cents: 10_000,
        current_billing_period_started_at: "2026-03-01T05:00:00.000Z",
      }),
    ]);
    // Derived from the fees: this invoice was made before billing periods were kept.
    expect(shown.billing_periods).toEqual([
      {
        lago_subscription_id: subscription.id,
        external_subscription_id: "acme-main",
        lago_plan_id: plan.id,
        subscription_from_datetime: "2026-02-10T05:00:00.000Z",
        subscription_to_datetime: "2026-03-01T04:59:59.000Z",
        charges_from_datetime: "2026-02-10T15:00:00.000Z",
        charges_to_datetime: "2026-03-01T04:59:59.000Z",
        fixed_charges_from_datetime: null,
        fixed_charges_to_datetime: null,
        invoicing_reason: "subscription_periodic",
      },
    ]);
  });

  it("gives each applied tax a stable id of its own", () => {
    const [tax] = serializeInvoice(invoice, embeds).applied_taxes ?? [];
    expect(tax).toEqual({
      lago_id: stableUuid(invoiceId, "applied_tax", "tax-vat"),
      lago_invoice_id: invoiceId,
      lago_tax_id: "tax-vat",
      tax_name: "VAT",
      tax_code: "vat",
      tax_rate: 20,
      tax_description: null,
      amount_cents: 1429,
      amount_currency: "EUR",
      fees_amount_cents: 7143,
      created_at: invoice.createdAt,
    });
    const kept = { ...invoice, appliedTaxes: invoice.appliedTaxes.map((t) => ({ ...t, id: "kept" })) };
    expect(serializeInvoice(kept).applied_taxes?.[0]?.lago_id).toBe("kept");
  });

  it("shows a billing period the invoice kept, even without the catalog", () => {
    const kept: Invoice = {
      ...invoice,
      billingPeriods: [
        {
          subscriptionId: subscription.id,
          externalSubscriptionId: "acme-main",
          planId: plan.id,
          fromDatetime: "2026-02-10T05:00:00.000Z",
          toDatetime: "2026-02-20T04:59:59.000Z",
          chargesFromDatetime: "2026-02-10T15:00:00.000Z",
          chargesToDatetime: "2026-02-20T04:59:59.000Z",
          invoicingReason: "subscription_terminating",
        },
      ],
    };
    expect(serializeInvoice(kept).billing_periods?.map((period) => period.invoicing_reason)).toEqual([
      "subscription_terminating",
    ]);
  });

  it("reads a fee's item from the plan when the invoice did not keep it", () => {
    const {
      billableMetricId: _id,
      chargeFilterValues: _values,
      filterInvoiceDisplayName: _name,
      ...legacy
    } = euRequestsFee;
    const shown = serializeInvoice({ ...invoice, fees: [legacy] }, embeds).fees?.[0]?.item;
    expect(shown).toMatchObject({
      lago_item_id: requestsMetric.id,
      filters: { region: ["eu"], tier: ["__ALL_FILTER_VALUES__"] },
      filter_invoice_display_name: "eu, tier",
    });
  });

  it("without the catalog, shows references to the customer and subscription only", () => {
    const shown = serializeInvoice(invoice);
    expect(shown.customer).toEqual({ lago_id: customer.id, external_id: "acme" });
    expect(shown.subscriptions).toEqual([
      {
        lago_id: subscription.id,
        external_id: "acme-main",
        current_billing_period_started_at: invoice.periodStartsAt,
      },
    ]);
    expect([shown.billing_entity_code, shown.billing_periods]).toEqual([null, []]);
    expect(shown.fees?.find((fee) => fee.lago_id === "fee-eu")?.item.lago_item_id).toBe(requestsMetric.id);
  });
});
