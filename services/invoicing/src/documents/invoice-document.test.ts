import { describe, expect, it } from "vitest";
import { type Customer, EMPTY_LEGAL_DETAILS, type Organization } from "#shared/domain/catalog.js";
import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import { draftInvoice } from "#shared/domain/invoices/test-invoice.js";
import {
  formatAmount,
  formatDate,
  formatPeriod,
  formatQuantity,
  formatRate,
  formatUnitAmount,
} from "./document-model.js";
import { invoiceDocument } from "./invoice-document.js";

const organization: Organization = {
  ...EMPTY_LEGAL_DETAILS,
  id: "org-1",
  name: "Acme Cloud",
  legalName: "Acme Cloud SAS",
  legalNumber: "RCS 123 456 789",
  taxIdentificationNumber: "FR12345678901",
  addressLine1: "1 rue de la Paix",
  zipcode: "75002",
  city: "Paris",
  country: "FR",
  email: "billing@acme.test",
  defaultCurrency: "EUR",
  timezone: "UTC",
  invoiceGracePeriodDays: 0,
  documentNumberPrefix: "ACM",
  documentNumbering: "per_customer",
  netPaymentTermDays: 0,
  hmacKey: "k",
  createdAt: "2026-01-01T00:00:00.000Z",
};

const customer: Customer = {
  ...EMPTY_LEGAL_DETAILS,
  id: "cus-1",
  organizationId: "org-1",
  externalId: "globex",
  sequentialId: 1,
  name: "Globex",
  firstname: "Hank",
  lastname: "Scorpio",
  customerType: "company",
  phone: null,
  url: null,
  currency: "EUR",
  timezone: "America/Los_Angeles",
  invoiceGracePeriodDays: null,
  netPaymentTermDays: null,
  documentLocale: null,
  taxCodes: [],
  metadata: [],
  legalName: "Globex Corporation",
  addressLine1: "15201 Maple Systems Road",
  city: "Cypress Creek",
  state: "OR",
  zipcode: "97000",
  country: "US",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

const fee = (overrides: Partial<InvoiceFee>): InvoiceFee => ({
  id: "fee-1",
  feeType: "charge",
  chargeId: "chg-1",
  chargeFilterId: null,
  groupedBy: null,
  billableMetricCode: "api_calls",
  itemCode: "api_calls",
  itemName: "API calls",
  invoiceDisplayName: null,
  units: "1500",
  eventsCount: 1500,
  amountCents: 1500,
  preciseAmountCents: "1500",
  taxCodes: ["vat_20"],
  taxesAmountCents: 300,
  taxesRate: "20",
  preciseUnitAmount: "0.01",
  fromDatetime: "2026-07-01T07:00:00.000Z",
  toDatetime: "2026-08-01T06:59:59.000Z",
  ...overrides,
});

const invoice: Invoice = {
  ...draftInvoice,
  status: "finalized",
  number: "ACM-001-001",
  sequentialId: 1,
  currency: "EUR",
  fees: [
    fee({
      id: "fee-base",
      feeType: "subscription",
      itemName: "Startup plan",
      units: "1",
      preciseUnitAmount: "10",
    }),
    fee({ id: "fee-api", invoiceDisplayName: "API requests", filterInvoiceDisplayName: "region: eu" }),
  ],
  appliedTaxes: [
    {
      taxId: "tax-1",
      taxCode: "vat_20",
      taxName: "VAT",
      taxDescription: null,
      taxRate: "20.0",
      feesAmountCents: 3000,
      amountCents: 600,
    },
  ],
  feesAmountCents: 3000,
  taxesAmountCents: 600,
  subTotalExcludingTaxesAmountCents: 3000,
  subTotalIncludingTaxesAmountCents: 3600,
  totalAmountCents: 3600,
  totalPaidAmountCents: 1000,
  billingPeriods: [
    {
      subscriptionId: "sub-1",
      externalSubscriptionId: "acme-main",
      planId: "plan-1",
      fromDatetime: "2026-07-01T07:00:00.000Z",
      toDatetime: "2026-08-01T06:59:59.000Z",
      chargesFromDatetime: "2026-07-01T07:00:00.000Z",
      chargesToDatetime: "2026-08-01T06:59:59.000Z",
      invoicingReason: "subscription_periodic",
    },
  ],
};

describe("amounts in the currency's format", () => {
  it("prints 2, 0 and 3 decimals for EUR, JPY and KWD, exactly, from minor units", () => {
    expect(formatAmount(123456, "EUR")).toBe("€1,234.56");
    expect(formatAmount(1500, "JPY")).toBe("¥1,500");
    expect(formatAmount(1234567, "KWD")).toBe("KWD\u00a01,234.567");
    expect(formatAmount(0, "USD")).toBe("$0.00");
    // The largest amount billed is printed to its last digit (no float on the way).
    expect(formatAmount(9_007_199_254_740_991, "EUR")).toBe("€90,071,992,547,409.91");
  });

  it("prints unit amounts with every decimal they have, and at least the currency's", () => {
    expect(formatUnitAmount("0.0001", "USD")).toBe("$0.0001");
    expect(formatUnitAmount("10", "EUR")).toBe("€10.00");
    expect(formatUnitAmount("3.5", "JPY")).toBe("¥3.5");
    expect(formatUnitAmount("2", "KWD")).toBe("KWD\u00a02.000");
  });

  it("prints quantities, rates and dates", () => {
    expect(formatQuantity("1500")).toBe("1,500");
    expect(formatQuantity("2.50")).toBe("2.5");
    expect(formatRate("20.0")).toBe("20%");
    expect(formatRate("5.5")).toBe("5.5%");
    expect(formatDate("2026-08-04")).toBe("Aug 4, 2026");
  });
});

describe("billing periods in the customer's timezone, the zone named", () => {
  it("prints the local days of a period and its zone with its offset", () => {
    // July in Los Angeles: 07:00 UTC on July 1 to 06:59:59 UTC on August 1.
    expect(formatPeriod("2026-07-01T07:00:00.000Z", "2026-08-01T06:59:59.000Z", "America/Los_Angeles")).toBe(
      "Jul 1, 2026 – Jul 31, 2026 (America/Los_Angeles, UTC-7)",
    );
    // The same instants in Kathmandu are other days.
    expect(formatPeriod("2026-06-30T18:15:00.000Z", "2026-07-31T18:14:59.000Z", "Asia/Kathmandu")).toBe(
      "Jul 1, 2026 – Jul 31, 2026 (Asia/Kathmandu, UTC+5:45)",
    );
    expect(formatPeriod("2026-07-01T00:00:00.000Z", "2026-07-31T23:59:59.000Z", "UTC")).toBe(
      "Jul 1, 2026 – Jul 31, 2026 (UTC, UTC)",
    );
  });
});

describe("an invoice as a document", () => {
  const document = invoiceDocument({ invoice, organization, customer });

  it("names both parties with their legal details and addresses", () => {
    expect(document.issuer).toEqual({
      heading: "Acme Cloud",
      lines: [
        "Acme Cloud SAS",
        "Legal number: RCS 123 456 789",
        "Tax ID: FR12345678901",
        "1 rue de la Paix",
        "75002 Paris",
        "FR",
        "billing@acme.test",
      ],
    });
    expect(document.recipient).toEqual({
      heading: "Globex",
      lines: [
        "Hank Scorpio",
        "Globex Corporation",
        "15201 Maple Systems Road",
        "97000 Cypress Creek",
        "OR",
        "US",
      ],
    });
  });

  it("has the number, dates and the billing period in the customer's zone", () => {
    expect(document.reference).toBe("ACM-001-001");
    expect(document.fields).toEqual([
      { label: "Invoice number", value: "ACM-001-001" },
      { label: "Issuing date", value: "Aug 4, 2026" },
      { label: "Payment due date", value: "Sep 3, 2026" },
      { label: "Currency", value: "EUR" },
    ]);
    expect(document.notes).toEqual([
      "Subscription acme-main",
      "Billing period: Jul 1, 2026 – Jul 31, 2026 (America/Los_Angeles, UTC-7)",
    ]);
  });

  it("has one row per fee with its name, units, unit amount, tax rate, amount and taxes", () => {
    expect(document.rows).toEqual([
      {
        cells: ["Startup plan", "1", "€10.00", "20%", "€15.00"],
        details: ["Jul 1, 2026 – Jul 31, 2026", "Taxes 20%: €3.00"],
      },
      {
        cells: ["API requests • region: eu", "1,500", "€0.01", "20%", "€15.00"],
        details: ["Jul 1, 2026 – Jul 31, 2026", "Taxes 20%: €3.00"],
      },
    ]);
  });

  it("sums up from the fees to the total due, coupons and credits lines included", () => {
    expect(document.summary.map((line) => [line.label, line.value])).toEqual([
      ["Fees", "€30.00"],
      ["Coupons", "€0.00"],
      ["Subtotal excluding taxes", "€30.00"],
      ["VAT (20% on €30.00)", "€6.00"],
      ["Taxes", "€6.00"],
      ["Subtotal including taxes", "€36.00"],
      ["Credit notes", "€0.00"],
      ["Prepaid credits", "€0.00"],
      ["Total", "€36.00"],
      ["Paid", "-€10.00"],
      ["Total due", "€26.00"],
    ]);
  });

  it("prints a customer the catalog no longer has by its external id, and no period on a one-off", () => {
    const oneOff = invoiceDocument({
      invoice: {
        ...invoice,
        invoiceType: "one_off",
        fees: [fee({ feeType: "add_on", description: "Day 1" })],
      },
      organization,
      customer: undefined,
    });
    expect(oneOff.recipient).toEqual({ heading: "acme", lines: [] });
    expect(oneOff.notes).toEqual([]);
    expect(oneOff.rows[0]?.details).toEqual(["Day 1", "Taxes 20%: €3.00"]);
  });
});
