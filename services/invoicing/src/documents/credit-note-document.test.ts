import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { type Customer, EMPTY_LEGAL_DETAILS, type Organization } from "#shared/domain/catalog.js";
import { type CreditNote, creditNoteNumber } from "#shared/domain/credit-notes/credit-note.js";
import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import { draftInvoice } from "#shared/domain/invoices/test-invoice.js";
import { creditNoteDocument } from "./credit-note-document.js";
import { invoiceDocument } from "./invoice-document.js";
import { renderDocumentPdf } from "./render-document-pdf.js";

const organization: Organization = {
  ...EMPTY_LEGAL_DETAILS,
  id: "org-1",
  name: "Acme Cloud",
  legalName: "Acme Cloud SAS",
  taxIdentificationNumber: "FR12345678901",
  addressLine1: "1 rue de la Paix",
  zipcode: "75002",
  city: "Paris",
  country: "FR",
  defaultCurrency: "USD",
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
  currency: "USD",
  timezone: "America/Los_Angeles",
  invoiceGracePeriodDays: null,
  netPaymentTermDays: null,
  documentLocale: null,
  taxCodes: [],
  metadata: [],
  legalName: "Globex Corporation",
  city: "Cypress Creek",
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
  billableMetricCode: "storage",
  itemCode: "storage",
  itemName: "Storage",
  invoiceDisplayName: null,
  units: "1",
  eventsCount: 1,
  amountCents: 10000,
  preciseAmountCents: "10000",
  taxCodes: ["vat_20"],
  taxesAmountCents: 2000,
  taxesRate: "20",
  preciseUnitAmount: "100",
  // July in Los Angeles.
  fromDatetime: "2026-07-01T07:00:00.000Z",
  toDatetime: "2026-08-01T06:59:59.000Z",
  ...overrides,
});

const invoice: Invoice = {
  ...draftInvoice,
  status: "finalized",
  paymentStatus: "succeeded",
  number: "ACM-001-001",
  sequentialId: 1,
  fees: [
    fee({ id: "fee-base", feeType: "subscription", itemName: "Startup plan" }),
    fee({
      id: "fee-storage",
      invoiceDisplayName: "Хранение данных",
      filterInvoiceDisplayName: "region: eu",
      amountCents: 5000,
    }),
    fee({ id: "fee-setup", feeType: "add_on", itemName: "Setup", amountCents: 2000, taxesRate: "5.5" }),
  ],
};

const creditNote = (overrides: Partial<CreditNote>): CreditNote => ({
  id: "cn-1",
  organizationId: "org-1",
  invoiceId: invoice.id,
  invoiceNumber: invoice.number,
  customerId: "cus-1",
  externalCustomerId: "globex",
  sequentialId: 1,
  number: creditNoteNumber(invoice.number, 1),
  issuingDate: "2026-08-05",
  origin: "manual",
  reason: "order_change",
  description: null,
  currency: "USD",
  creditStatus: null,
  refundStatus: null,
  items: [],
  appliedTaxes: [],
  couponsAdjustmentAmountCents: 0,
  preciseCouponsAdjustmentAmountCents: "0",
  subTotalExcludingTaxesAmountCents: 0,
  preciseSubTotalExcludingTaxesAmountCents: "0",
  taxesAmountCents: 0,
  preciseTaxesAmountCents: "0",
  taxesRate: "0",
  totalAmountCents: 0,
  creditAmountCents: 0,
  refundAmountCents: 0,
  offsetAmountCents: 0,
  balanceAmountCents: 0,
  createdAt: "2026-08-05T16:00:00.000Z",
  updatedAt: "2026-08-05T16:00:00.000Z",
  voidedAt: null,
  refundedAt: null,
  metadata: {},
  ...overrides,
});

const tax = (name: string, rate: string, baseAmountCents: number, amountCents: number) => ({
  id: `cnt-${name}`,
  taxId: `tax-${name}`,
  taxCode: name.toLowerCase(),
  taxName: name,
  taxDescription: null,
  taxRate: rate,
  baseAmountCents,
  amountCents,
});

// $68.33 of items less $5.00 of coupons; VAT on the first two items' $44.80 after coupons, sales
// tax on the add-on's $18.53; half credited, the rest refunded.
const usdNote = creditNote({
  creditStatus: "available",
  refundStatus: "pending",
  items: [
    { id: "cni-1", feeId: "fee-base", amountCents: 3333 },
    { id: "cni-2", feeId: "fee-storage", amountCents: 1500 },
    { id: "cni-3", feeId: "fee-setup", amountCents: 2000 },
  ],
  appliedTaxes: [tax("Sales tax", "5.5", 1853, 102), tax("VAT", "20.0", 4480, 896)],
  couponsAdjustmentAmountCents: 500,
  preciseCouponsAdjustmentAmountCents: "500",
  subTotalExcludingTaxesAmountCents: 6333,
  preciseSubTotalExcludingTaxesAmountCents: "6333",
  taxesAmountCents: 998,
  preciseTaxesAmountCents: "998",
  taxesRate: "15.76",
  totalAmountCents: 7331,
  creditAmountCents: 5000,
  refundAmountCents: 2331,
  balanceAmountCents: 5000,
});

// Yen have no minor unit: 12,345 yen credited, 10% on it rounded to the yen, 4,000 left.
const yenInvoice: Invoice = {
  ...invoice,
  id: "inv-jp",
  number: "ACM-002-001",
  currency: "JPY",
  timezone: "Asia/Tokyo",
  fees: [
    fee({
      id: "fee-cloud",
      itemName: "クラウド利用料",
      amountCents: 30000,
      taxesRate: "10",
      fromDatetime: "2026-06-30T15:00:00.000Z",
      toDatetime: "2026-07-31T14:59:59.000Z",
    }),
  ],
};
const yenNote = creditNote({
  invoiceId: yenInvoice.id,
  invoiceNumber: yenInvoice.number,
  number: creditNoteNumber(yenInvoice.number, 2),
  sequentialId: 2,
  currency: "JPY",
  reason: "duplicated_charge",
  creditStatus: "available",
  items: [{ id: "cni-jp", feeId: "fee-cloud", amountCents: 12345 }],
  appliedTaxes: [tax("消費税", "10.0", 12345, 1235)],
  subTotalExcludingTaxesAmountCents: 12345,
  preciseSubTotalExcludingTaxesAmountCents: "12345",
  taxesAmountCents: 1235,
  preciseTaxesAmountCents: "1234.5",
  taxesRate: "10",
  totalAmountCents: 13580,
  creditAmountCents: 13580,
  balanceAmountCents: 4000,
});

const pairs = (document: { summary: readonly { label: string; value: string }[] }) =>
  document.summary.map((line) => [line.label, line.value]);

describe("a credit note as a document", () => {
  const document = creditNoteDocument({ creditNote: usdNote, invoice, organization, customer });

  it("is titled by its number and names the invoice it credits, its date, currency, reason and refund status", () => {
    expect(document.title).toBe("Credit note");
    expect(document.reference).toBe("ACM-001-001-CN001");
    expect(document.fields).toEqual([
      { label: "Credit note number", value: "ACM-001-001-CN001" },
      { label: "Invoice number", value: "ACM-001-001" },
      { label: "Issuing date", value: "Aug 5, 2026" },
      { label: "Currency", value: "USD" },
      { label: "Reason", value: "Order change" },
      { label: "Refund status", value: "Pending" },
    ]);
    expect(document.notes).toEqual(["Issued on Aug 5, 2026"]);
    expect(document.issuedAt).toBe("2026-08-05T16:00:00.000Z");
  });

  it("prints the parties exactly as the invoice's document does", () => {
    const invoiceParties = invoiceDocument({ invoice, organization, customer });
    expect(document.issuer).toEqual(invoiceParties.issuer);
    expect(document.recipient).toEqual(invoiceParties.recipient);
    expect(document.issuer.heading).toBe("Acme Cloud");
    expect(document.recipient.lines).toContain("Hank Scorpio");
    const gone = creditNoteDocument({ creditNote: usdNote, invoice, organization, customer: undefined });
    expect(gone.recipient).toEqual({ heading: "acme", lines: [] });
  });

  it("has one row per item: the credited fee's name and period, its tax rate and the item's amount", () => {
    expect(document.columns.map((column) => column.label)).toEqual([
      "Item",
      "Tax rate",
      "Amount (excl. tax)",
    ]);
    expect(document.columns.reduce((sum, column) => sum + column.width, 0)).toBeCloseTo(1);
    expect(document.rows).toEqual([
      { cells: ["Startup plan", "20%", "$33.33"], details: ["Jul 1, 2026 – Jul 31, 2026"] },
      { cells: ["Хранение данных • region: eu", "20%", "$15.00"], details: ["Jul 1, 2026 – Jul 31, 2026"] },
      { cells: ["Setup", "5.5%", "$20.00"], details: [] },
    ]);
  });

  it("sums up to the cent: coupons, subtotal, each tax highest rate first, total, then credit, refund and balance", () => {
    expect(pairs(document)).toEqual([
      ["Coupons", "-$5.00"],
      ["Sub total excluding taxes", "$63.33"],
      ["VAT (20% on $44.80)", "$8.96"],
      ["Sales tax (5.5% on $18.53)", "$1.02"],
      ["Total", "$73.31"],
      ["Credited on customer balance", "$50.00"],
      ["Refunded", "$23.31"],
      ["Credit balance left", "$50.00"],
    ]);
    expect(document.summary.filter((line) => line.emphasis).map((line) => line.label)).toEqual(["Total"]);
  });

  it("prints yen without decimals, and no coupons line when the note has none", () => {
    const yen = creditNoteDocument({ creditNote: yenNote, invoice: yenInvoice, organization, customer });
    expect(yen.reference).toBe("ACM-002-001-CN002");
    expect(yen.fields).toContainEqual({ label: "Reason", value: "Duplicated charge" });
    // The period in the invoice's timezone: July in Tokyo starts on June 30 at 15:00 UTC.
    expect(yen.rows).toEqual([
      { cells: ["クラウド利用料", "10%", "¥12,345"], details: ["Jul 1, 2026 – Jul 31, 2026"] },
    ]);
    expect(pairs(yen)).toEqual([
      ["Sub total excluding taxes", "¥12,345"],
      ["消費税 (10% on ¥12,345)", "¥1,235"],
      ["Total", "¥13,580"],
      ["Credited on customer balance", "¥13,580"],
      ["Credit balance left", "¥4,000"],
    ]);
    expect(yen.notes).toEqual(["Credited on customer balance on Aug 5, 2026"]);
  });

  it("says Voided when its credit is voided, its balance gone", () => {
    const voided = creditNoteDocument({
      creditNote: {
        ...yenNote,
        creditStatus: "voided",
        balanceAmountCents: 0,
        voidedAt: "2026-08-06T00:00:00.000Z",
      },
      invoice: yenInvoice,
      organization,
      customer,
    });
    expect(voided.fields).toContainEqual({ label: "Status", value: "Voided" });
    expect(pairs(voided).at(-1)).toEqual(["Credit balance left", "¥0"]);
    const available = creditNoteDocument({
      creditNote: yenNote,
      invoice: yenInvoice,
      organization,
      customer,
    });
    expect(available.fields.map((field) => field.label)).not.toContain("Status");
  });

  it("prints a refund's status and no credit lines on a note that only refunds", () => {
    const refund = creditNoteDocument({
      creditNote: {
        ...usdNote,
        creditStatus: null,
        refundStatus: "succeeded",
        creditAmountCents: 0,
        refundAmountCents: 7331,
        balanceAmountCents: 0,
      },
      invoice,
      organization,
      customer,
    });
    expect(refund.fields.slice(-1)).toEqual([{ label: "Refund status", value: "Succeeded" }]);
    expect(pairs(refund).slice(-2)).toEqual([
      ["Total", "$73.31"],
      ["Refunded", "$73.31"],
    ]);
    expect(refund.notes).toEqual(["Refunded on Aug 5, 2026"]);
  });

  it("prints what it offsets on its invoice, and no refund status when it refunds nothing", () => {
    const offset = creditNoteDocument({
      creditNote: {
        ...usdNote,
        creditStatus: null,
        refundStatus: null,
        creditAmountCents: 0,
        refundAmountCents: 0,
        offsetAmountCents: 7331,
        balanceAmountCents: 0,
      },
      invoice,
      organization,
      customer,
    });
    expect(offset.fields.map((field) => field.label)).not.toContain("Refund status");
    expect(pairs(offset).slice(-1)).toEqual([["Offset on invoice ACM-001-001", "$73.31"]]);
    expect(offset.notes).toEqual(["Offset invoice ACM-001-001 on Aug 5, 2026"]);
  });

  it("prints a zero tax line on a note without taxes, as Lago does", () => {
    const untaxed = creditNoteDocument({
      creditNote: creditNote({
        creditStatus: "available",
        items: [{ id: "cni-1", feeId: "fee-base", amountCents: 1000 }],
        subTotalExcludingTaxesAmountCents: 1000,
        totalAmountCents: 1000,
        creditAmountCents: 1000,
        balanceAmountCents: 1000,
      }),
      invoice,
      organization,
      customer,
    });
    expect(pairs(untaxed).slice(0, 3)).toEqual([
      ["Sub total excluding taxes", "$10.00"],
      ["Tax (0%)", "$0.00"],
      ["Total", "$10.00"],
    ]);
  });

  it("refuses an invoice the note does not credit, or a fee its invoice does not have", () => {
    expect(() => creditNoteDocument({ creditNote: yenNote, invoice, organization, customer })).toThrow(
      /credits invoice inv-jp/,
    );
    expect(() =>
      creditNoteDocument({
        creditNote: { ...usdNote, items: [{ id: "cni-x", feeId: "fee-elsewhere", amountCents: 1 }] },
        invoice,
        organization,
        customer,
      }),
    ).toThrow(/fee fee-elsewhere/);
  });
});

describe("a credit note as a PDF", () => {
  it("prints its number, a Japanese fee name and its total, as text a reader can extract", async () => {
    const bytes = await renderDocumentPdf(
      creditNoteDocument({ creditNote: yenNote, invoice: yenInvoice, organization, customer }),
    );
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const { text } = await extractText(pdf, { mergePages: true });
    const page = text.replace(/\s+/g, " ");
    for (const expected of [
      "Credit note",
      "ACM-002-001-CN002",
      "Duplicated charge",
      "クラウド利用料",
      "消費税 (10% on ¥12,345)",
      "Total",
      "¥13,580",
      "Credit balance left",
      "¥4,000",
    ])
      expect(page).toContain(expected);
  });
});
