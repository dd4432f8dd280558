import { sqsClient } from "#shared/platform/aws-clients.js";
import { createApiHandler } from "#shared/platform/http/api-handler.js";
import { documentsQueue, resourceName } from "#shared/platform/resources.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { apiKeyResolver } from "#shared/store/organization-store.js";
import { AdvanceFeeStore } from "../advance-charges/advance-fee-store.js";
import type { AdvanceChargeDeps } from "../advance-charges/bill-pay-in-advance-events.js";
import { estimateFeesRoute } from "../advance-charges/estimate-fees-routes.js";
import {
  type CreditNoteRouteDeps,
  createCreditNoteRoute,
  estimateCreditNoteRoute,
  getCreditNoteRoute,
  listCreditNotesRoute,
  listCustomerCreditNotesRoute,
  updateCreditNoteRoute,
  voidCreditNoteRoute,
} from "../credit-notes/credit-note-routes.js";
import {
  type CreditNoteDownloadRouteDeps,
  downloadCreditNoteRoute,
} from "../credit-notes/download-credit-note-routes.js";
import { type DownloadRouteDeps, downloadInvoiceRoute } from "../documents/download-routes.js";
import { deleteFeeRoute, getFeeRoute, listFeesRoute, updateFeeRoute } from "../fees/fee-routes.js";
import { listCustomerInvoicesRoute, listInvoicesRoute } from "../invoices/invoice-list-routes.js";
import { retryPaymentRoute, updateInvoiceRoute } from "../invoices/invoice-payment-routes.js";
import {
  finalizeDraftInvoice,
  getInvoice,
  refreshInvoice,
  voidFinalizedInvoice,
} from "../invoices/invoice-routes.js";
import { createOneOffInvoiceRoute } from "../invoices/one-off-invoice-routes.js";
import type { InvoiceChangeDeps } from "../invoices/refresh-draft.js";
import { createPayment, getPayment, listPayments } from "../payments/payment-routes.js";
import type { PaymentDeps } from "../payments/record-payment.js";
import type { InvoicingRoute } from "../routes.js";
import { CreditNoteStore } from "../store/credit-note-store.js";
import { InvoiceQueries } from "../store/invoice-queries.js";
import { PaymentStore } from "../store/payment-store.js";
import { invoiceChangeDeps } from "./invoice-change-deps.js";

let queries: InvoiceQueries | undefined;
/** The list indexes' reader, built on first use (see `dependencies`). */
const listQueries = (): InvoiceQueries => {
  queries ??= new InvoiceQueries();
  return queries;
};

let deps: InvoiceChangeDeps | undefined;
const dependencies = (): InvoiceChangeDeps => {
  deps ??= invoiceChangeDeps();
  return deps;
};

let estimateDeps: Pick<AdvanceChargeDeps, "catalog" | "organizations" | "advanceFees"> | undefined;
/** Estimates read the catalog and the pay-in-advance usage billed so far; they write nothing. */
function estimateDependencies() {
  estimateDeps ??= { ...dependencies(), advanceFees: new AdvanceFeeStore() };
  return estimateDeps;
}

let feeUpdateDeps: { queries: InvoiceQueries; advanceFees: AdvanceFeeStore } | undefined;
/** `PUT` and `DELETE /fees/{id}` find the fee as GET does and change a standalone fee. */
function feeUpdateDependencies() {
  feeUpdateDeps ??= { queries: listQueries(), advanceFees: new AdvanceFeeStore() };
  return feeUpdateDeps;
}

let paymentDeps: PaymentDeps | undefined;
/** Payments and invoice payment changes: the invoice changes' dependencies and the payments. */
function paymentDependencies(): PaymentDeps {
  paymentDeps ??= { ...dependencies(), payments: new PaymentStore() };
  return paymentDeps;
}

let downloadDeps: DownloadRouteDeps | undefined;
/** Downloads read the invoice and ask the documents renderer for a PDF not stored yet. */
function downloadDependencies(): DownloadRouteDeps {
  downloadDeps ??= {
    ...dependencies(),
    requestRender: async (message) => {
      await enqueueMessages(sqsClient(), resourceName(documentsQueue), [JSON.stringify(message)]);
    },
  };
  return downloadDeps;
}

let creditNoteDeps: CreditNoteRouteDeps | undefined;
/** Credit notes: the invoice changes' dependencies and the credit notes beside the invoices. */
function creditNoteDependencies(): CreditNoteRouteDeps {
  const base = dependencies();
  creditNoteDeps ??= { ...base, catalog: base.catalog, creditNotes: new CreditNoteStore() };
  return creditNoteDeps;
}

let creditNoteDownloadDeps: CreditNoteDownloadRouteDeps | undefined;
/** Credit note downloads read the note and ask the documents renderer for a PDF not stored yet. */
function creditNoteDownloadDependencies(): CreditNoteDownloadRouteDeps {
  creditNoteDownloadDeps ??= {
    ...creditNoteDependencies(),
    requestRender: downloadDependencies().requestRender,
  };
  return creditNoteDownloadDeps;
}

export const handler = createApiHandler<InvoicingRoute>({
  service: "invoicing-api",
  resolveApiKey: apiKeyResolver(),
  routes: {
    "GET /api/v1/invoices": (request) => listInvoicesRoute(request, listQueries()),
    "POST /api/v1/invoices": (request) => createOneOffInvoiceRoute(request, dependencies()),
    "GET /api/v1/customers/{external_customer_id}/invoices": (request) =>
      listCustomerInvoicesRoute(request, listQueries()),
    "GET /api/v1/fees": (request) => listFeesRoute(request, listQueries()),
    "GET /api/v1/fees/{lago_id}": (request) => getFeeRoute(request, listQueries()),
    "PUT /api/v1/fees/{lago_id}": (request) => updateFeeRoute(request, feeUpdateDependencies()),
    "DELETE /api/v1/fees/{lago_id}": (request) => deleteFeeRoute(request, feeUpdateDependencies()),
    "GET /api/v1/invoices/{lago_id}": (request) => getInvoice(request, dependencies().invoices),
    "PUT /api/v1/invoices/{lago_id}/refresh": (request) => refreshInvoice(request, dependencies()),
    "PUT /api/v1/invoices/{lago_id}/finalize": (request) => finalizeDraftInvoice(request, dependencies()),
    "POST /api/v1/invoices/{lago_id}/void": (request) =>
      voidFinalizedInvoice(request, {
        ...dependencies(),
        creditNotes: creditNoteDependencies().creditNotes,
      }),
    "PUT /api/v1/invoices/{lago_id}": (request) => updateInvoiceRoute(request, paymentDependencies()),
    "POST /api/v1/invoices/{lago_id}/retry_payment": (request) =>
      retryPaymentRoute(request, paymentDependencies()),
    "POST /api/v1/invoices/{lago_id}/download": (request) =>
      downloadInvoiceRoute(request, downloadDependencies()),
    "POST /api/v1/payments": (request) => createPayment(request, paymentDependencies()),
    "GET /api/v1/payments": (request) => listPayments(request, paymentDependencies().payments),
    "GET /api/v1/payments/{lago_id}": (request) => getPayment(request, paymentDependencies().payments),
    "POST /api/v1/credit_notes": (request) => createCreditNoteRoute(request, creditNoteDependencies()),
    "POST /api/v1/credit_notes/estimate": (request) =>
      estimateCreditNoteRoute(request, creditNoteDependencies()),
    "GET /api/v1/credit_notes": (request) => listCreditNotesRoute(request, creditNoteDependencies()),
    "GET /api/v1/credit_notes/{lago_id}": (request) => getCreditNoteRoute(request, creditNoteDependencies()),
    "PUT /api/v1/credit_notes/{lago_id}": (request) =>
      updateCreditNoteRoute(request, creditNoteDependencies()),
    "PUT /api/v1/credit_notes/{lago_id}/void": (request) =>
      voidCreditNoteRoute(request, creditNoteDependencies()),
    "POST /api/v1/credit_notes/{lago_id}/download": (request) =>
      downloadCreditNoteRoute(request, creditNoteDownloadDependencies()),
    "GET /api/v1/customers/{external_customer_id}/credit_notes": (request) =>
      listCustomerCreditNotesRoute(request, creditNoteDependencies()),
    "POST /api/v1/events/estimate_fees": (request) => estimateFeesRoute(request, estimateDependencies()),
  },
});
