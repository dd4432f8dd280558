/**
 * Invoice PDFs' figures for `npm run bench`: the CPU time of rendering a 50-fee invoice (the
 * document model and the PDF, as the documents renderer makes it, storage aside), the median of
 * 21 renders after two to warm up, for a Latin invoice and for one whose customer and fees are
 * named in Cyrillic, Greek, Japanese, Chinese and Korean (which embeds the CJK fallback fonts too);
 * each one's first render in the process, which reads its fonts; and each PDF's size. CPU
 * measurements (process.cpuUsage), never asserted anywhere.
 */
import { PDFDocument } from "pdf-lib";
import { type Customer, EMPTY_LEGAL_DETAILS, type Organization } from "#shared/domain/catalog.js";
import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import { invoiceDocument } from "../services/invoicing/src/documents/invoice-document.js";
import { renderDocumentPdf } from "../services/invoicing/src/documents/render-document-pdf.js";

type Report = (name: string, value: number, unit: string) => void;

const ROUNDS = 21;
const FEES = 50;

const organization: Organization = {
  ...EMPTY_LEGAL_DETAILS,
  id: "org-bench",
  name: "Bench Cloud",
  legalName: "Bench Cloud SAS",
  addressLine1: "1 rue de la Paix",
  zipcode: "75002",
  city: "Paris",
  country: "FR",
  defaultCurrency: "EUR",
  timezone: "Europe/Paris",
  invoiceGracePeriodDays: 0,
  documentNumberPrefix: "BEN",
  documentNumbering: "per_customer",
  netPaymentTermDays: 30,
  hmacKey: "bench",
  createdAt: "2026-01-01T00:00:00.000Z",
};

const customer: Customer = {
  ...EMPTY_LEGAL_DETAILS,
  id: "cus-bench",
  organizationId: organization.id,
  externalId: "globex",
  sequentialId: 1,
  name: "Globex Corporation",
  firstname: null,
  lastname: null,
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
  addressLine1: "15201 Maple Systems Road",
  city: "Cypress Creek",
  country: "US",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

function fee(index: number): InvoiceFee {
  return {
    id: `fee-${index}`,
    feeType: "charge",
    chargeId: `chg-${index}`,
    chargeFilterId: null,
    groupedBy: null,
    billableMetricCode: `metric_${index}`,
    itemCode: `metric_${index}`,
    itemName: `Metered usage ${index}`,
    invoiceDisplayName: null,
    units: String(1000 + index),
    eventsCount: 1000 + index,
    amountCents: (1000 + index) * 10,
    preciseAmountCents: String((1000 + index) * 10),
    taxCodes: ["vat_20"],
    taxesAmountCents: (1000 + index) * 2,
    taxesRate: "20",
    preciseUnitAmount: "0.1",
    fromDatetime: "2026-07-01T07:00:00.000Z",
    toDatetime: "2026-08-01T06:59:59.000Z",
  };
}

/** Fee names in each script the fonts cover beyond Latin, in turn. */
const INTERNATIONAL_NAMES = [
  "Хранение данных",
  "Υπηρεσίες νέφους",
  "クラウド利用料",
  "云存储服务",
  "클라우드 사용료",
];

const internationalCustomer: Customer = {
  ...customer,
  name: "株式会社テスト",
  addressLine1: "東京都渋谷区道玄坂 1-2-3",
  city: "東京",
  country: "JP",
};

function invoice(names?: readonly string[]): Invoice {
  const fees = Array.from({ length: FEES }, (_, index) => {
    const item = fee(index + 1);
    return names ? { ...item, itemName: `${names[index % names.length]} ${index + 1}` } : item;
  });
  const amount = fees.reduce((sum, item) => sum + item.amountCents, 0);
  const taxes = fees.reduce((sum, item) => sum + item.taxesAmountCents, 0);
  return {
    id: "inv-bench",
    organizationId: organization.id,
    customerId: customer.id,
    externalCustomerId: customer.externalId,
    subscriptionId: "sub-bench",
    externalSubscriptionId: "globex-main",
    invoiceType: "subscription",
    status: "finalized",
    paymentStatus: "pending",
    sequentialId: 7,
    number: "BEN-001-007",
    issuingDate: "2026-08-01",
    paymentDueDate: "2026-08-31",
    netPaymentTermDays: 30,
    currency: "EUR",
    timezone: "America/Los_Angeles",
    periodStartsAt: "2026-07-01T07:00:00.000Z",
    periodEndsAt: "2026-08-01T07:00:00.000Z",
    fees,
    appliedTaxes: [
      {
        taxId: "tax-1",
        taxCode: "vat_20",
        taxName: "VAT",
        taxDescription: null,
        taxRate: "20",
        feesAmountCents: amount,
        amountCents: taxes,
      },
    ],
    feesAmountCents: amount,
    taxesAmountCents: taxes,
    taxesRate: "20",
    subTotalExcludingTaxesAmountCents: amount,
    subTotalIncludingTaxesAmountCents: amount + taxes,
    totalAmountCents: amount + taxes,
    createdAt: "2026-08-01T07:05:00.000Z",
    updatedAt: "2026-08-01T07:05:00.000Z",
    finalizedAt: "2026-08-01T07:05:00.000Z",
  };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function figures(report: Report, suffix: string, sources: Parameters<typeof invoiceDocument>[0]) {
  const first = process.cpuUsage();
  await renderDocumentPdf(invoiceDocument(sources));
  report(`pdf_first_render_ms${suffix}`, cpuMs(first), "ms");
  await renderDocumentPdf(invoiceDocument(sources));
  const times: number[] = [];
  let bytes: Uint8Array = new Uint8Array();
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    bytes = await renderDocumentPdf(invoiceDocument(sources));
    times.push(cpuMs(start));
  }
  const pages = (await PDFDocument.load(bytes)).getPageCount();
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
  report(`pdf_render_ms_median${suffix}`, median, "ms");
  report(`pdf_render_pages_50_fees${suffix}`, pages, "pages");
  report(`pdf_bytes_50_fees${suffix}`, bytes.length, "bytes");
}

export async function pdfFigures(report: Report): Promise<void> {
  await figures(report, "", { invoice: invoice(), organization, customer });
  await figures(report, "_cjk", {
    invoice: invoice(INTERNATIONAL_NAMES),
    organization,
    customer: internationalCustomer,
  });
}
