import { describe, expect, it } from "vitest";
import type { AddOn, Tax } from "../catalog.js";
import { oneOffFee, oneOffInvoice, oneOffTaxCodes } from "./one-off-fees.js";

const AT = "2026-03-10T09:00:00.000Z";
const tax = (code: string, rate: string, appliedToOrganization = false): Tax => ({
  id: `tax-${code}`,
  organizationId: "org",
  name: code.toUpperCase(),
  code,
  description: null,
  rate,
  appliedToOrganization,
  createdAt: AT,
});
const vat = tax("vat_20", "20");
const reduced = tax("vat_5_5", "5.5");
const orgDefault = tax("org_10", "10", true);
const taxes = new Map([vat, reduced, orgDefault].map((t) => [t.code, t]));

const addOn = (fields: Partial<AddOn> = {}): AddOn => ({
  id: "addon-1",
  organizationId: "org",
  name: "Setup fee",
  code: "setup",
  invoiceDisplayName: null,
  description: "Onboarding",
  amountCents: 50_000,
  amountCurrency: "EUR",
  taxCodes: [],
  createdAt: AT,
  ...fields,
});
const request = (fields: Partial<Parameters<typeof oneOffFee>[0]> = {}) => ({
  addOn: addOn(),
  units: null,
  unitAmountCents: null,
  description: null,
  invoiceDisplayName: null,
  taxCodes: null,
  ...fields,
});
const context = (taxCodes: string[] = [], currency = "EUR") => ({
  id: "fee-1",
  currency,
  at: AT,
  taxCodes,
  taxes,
});

describe("one-off fees", () => {
  it("bills one unit at the add-on's price by default", () => {
    const fee = oneOffFee(request(), context(["vat_20"]));
    expect(fee).toMatchObject({
      feeType: "add_on",
      itemCode: "setup",
      itemName: "Setup fee",
      units: "1.0",
      amountCents: 50_000,
      preciseAmountCents: "50000",
      preciseUnitAmount: "500.0",
      taxCodes: ["vat_20"],
      // 20% of 500.00 EUR.
      taxesAmountCents: 10_000,
      taxesRate: "20",
      addOnId: "addon-1",
      description: "Onboarding",
      fromDatetime: AT,
      toDatetime: AT,
    });
  });

  it("multiplies fractional units by the unit price given and rounds each fee half-up", () => {
    // 2.5 × 333 = 832.5 cents → 833; 20% of 833 = 166.6 → 167.
    const fee = oneOffFee(request({ units: "2.5", unitAmountCents: 333 }), context(["vat_20"]));
    expect(fee).toMatchObject({
      units: "2.5",
      amountCents: 833,
      preciseAmountCents: "832.5",
      preciseUnitAmount: "3.33",
      taxesAmountCents: 167,
    });
    // 3 × 0.5: 1.5 cents → 2 (a half goes up).
    expect(oneOffFee(request({ units: "0.5", unitAmountCents: 3 }), context()).amountCents).toBe(2);
    // 1.4 cents → 1.
    expect(oneOffFee(request({ units: "0.2", unitAmountCents: 7 }), context()).amountCents).toBe(1);
  });

  it("shows a zero-decimal currency's unit price in whole units", () => {
    const fee = oneOffFee(request({ unitAmountCents: 500 }), context([], "JPY"));
    expect(fee.preciseUnitAmount).toBe("500.0");
    expect(fee.amountCents).toBe(500);
  });

  it("takes the fee's taxes, else the add-on's, else the customer's, else the organization's", () => {
    const organizationTaxes = [vat, reduced, orgDefault];
    const withAddOnTaxes = { ...request({ addOn: addOn({ taxCodes: ["vat_5_5"] }) }) };
    expect(
      oneOffTaxCodes({ ...withAddOnTaxes, taxCodes: ["vat_20"] }, { taxCodes: [] }, organizationTaxes),
    ).toEqual(["vat_20"]);
    expect(oneOffTaxCodes(withAddOnTaxes, { taxCodes: ["vat_20"] }, organizationTaxes)).toEqual(["vat_5_5"]);
    expect(oneOffTaxCodes(request(), { taxCodes: ["vat_20"] }, organizationTaxes)).toEqual(["vat_20"]);
    expect(oneOffTaxCodes(request({ taxCodes: [] }), { taxCodes: [] }, organizationTaxes)).toEqual([
      "org_10",
    ]);
  });

  it("makes a finalized one-off invoice with taxes per tax on the fees it applies to", () => {
    const invoice = oneOffInvoice({
      id: "inv-1",
      feeIds: ["fee-a", "fee-b"],
      organizationId: "org",
      customer: { id: "cus-1", externalId: "ext-1", taxCodes: ["vat_20"] },
      currency: "EUR",
      fees: [request(), request({ units: "2.5", unitAmountCents: 333, taxCodes: ["vat_5_5"] })],
      taxes: [vat, reduced, orgDefault],
      timezone: "Europe/Paris",
      now: AT,
      dates: { issuingDate: "2026-03-10", paymentDueDate: "2026-03-10", netPaymentTermDays: 0 },
    });
    expect(invoice.fees.map((fee) => [fee.id, fee.amountCents, fee.taxCodes, fee.taxesAmountCents])).toEqual([
      ["fee-a", 50_000, ["vat_20"], 10_000],
      // 5.5% of 833 = 45.815 → 46.
      ["fee-b", 833, ["vat_5_5"], 46],
    ]);
    expect(invoice).toMatchObject({
      invoiceType: "one_off",
      status: "finalized",
      paymentStatus: "pending",
      subscriptionId: "",
      billingPeriods: [],
      feesAmountCents: 50_833,
      taxesAmountCents: 10_046,
      subTotalExcludingTaxesAmountCents: 50_833,
      totalAmountCents: 60_879,
      finalizedAt: AT,
    });
    expect(invoice.appliedTaxes).toEqual([
      expect.objectContaining({ taxCode: "vat_20", feesAmountCents: 50_000, amountCents: 10_000 }),
      expect.objectContaining({ taxCode: "vat_5_5", feesAmountCents: 833, amountCents: 46 }),
    ]);
  });

  it("settles a zero-amount one-off invoice at once", () => {
    const invoice = oneOffInvoice({
      id: "inv-2",
      feeIds: ["fee-a"],
      organizationId: "org",
      customer: { id: "cus-1", externalId: "ext-1", taxCodes: [] },
      currency: "EUR",
      fees: [request({ unitAmountCents: 0 })],
      taxes: [],
      timezone: "UTC",
      now: AT,
      dates: { issuingDate: "2026-03-10", paymentDueDate: "2026-03-10", netPaymentTermDays: 0 },
    });
    expect(invoice.totalAmountCents).toBe(0);
    expect(invoice.paymentStatus).toBe("succeeded");
  });
});
