import type {
  CreditNoteAppliedTaxObject,
  CreditNoteEstimated,
  CreditNoteItemObject,
  CreditNoteObject,
} from "lago-javascript-client";
import type { Customer } from "#shared/domain/catalog.js";
import type { CreditNote } from "#shared/domain/credit-notes/credit-note.js";
import type { CreditNoteEstimate } from "#shared/domain/credit-notes/issue-credit-note.js";
import type { Invoice } from "#shared/domain/invoice.js";
import { decimal } from "#shared/domain/money.js";
import { billingEntityCode } from "#shared/serializers/billing-entity.js";
import {
  type CustomerOrganization,
  type CustomerShape,
  serializeCustomer,
} from "#shared/serializers/customer.js";
import { type Corrected, type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";
import { type FeeObjectShape, serializeFeeObject } from "../fees/serialize-fee.js";

/** A credit note's item: the fee it credits as `GET /fees/{id}` shows it (our fee shape). */
type CreditNoteItemShape = Corrected<LagoShape<CreditNoteItemObject>, { fee: FeeObjectShape | null }>;

/**
 * Lago's credit note (`V1::CreditNoteSerializer` with its items, applied taxes, customer and error
 * details). Our customer and fee shapes stand for the client's where it is narrower than what Lago
 * sends (see `CustomerShape`, `FeeObjectShape`); `metadata` is Lago's key/value object.
 */
export type CreditNoteShape = Corrected<
  LagoShape<CreditNoteObject>,
  {
    items: readonly CreditNoteItemShape[];
    applied_taxes: readonly LagoShape<CreditNoteAppliedTaxObject>[];
    customer: CustomerShape | null;
    metadata: Readonly<Record<string, string | null>> | null;
    error_details: readonly never[];
  }
>;

/** What a credit note shows beside itself: its invoice (its fees, its number) and customer. */
export interface CreditNoteEmbeds {
  readonly invoice: Invoice | undefined;
  readonly organization: CustomerOrganization;
  readonly customer: Customer | undefined;
  /** Its stored PDF's presigned URL; null: none stored. */
  readonly fileUrl: string | null;
}

export function serializeCreditNote(note: CreditNote, embeds: CreditNoteEmbeds): CreditNoteShape {
  const { invoice } = embeds;
  const currency = lagoCurrency(note.currency);
  return {
    lago_id: note.id,
    billing_entity_code: billingEntityCode(embeds.organization),
    sequential_id: note.sequentialId,
    number: note.number,
    lago_invoice_id: note.invoiceId,
    invoice_number: note.invoiceNumber,
    purchase_order_number: null,
    issuing_date: note.issuingDate,
    credit_status: note.creditStatus,
    refund_status: note.refundStatus,
    reason: note.reason,
    description: note.description,
    currency,
    total_amount_cents: note.totalAmountCents,
    precise_total_amount_cents: decimal(note.preciseSubTotalExcludingTaxesAmountCents)
      .plus(note.preciseTaxesAmountCents)
      .toString(),
    taxes_amount_cents: note.taxesAmountCents,
    precise_taxes_amount_cents: note.preciseTaxesAmountCents,
    taxes_rate: Number(note.taxesRate),
    sub_total_excluding_taxes_amount_cents: note.subTotalExcludingTaxesAmountCents,
    balance_amount_cents: note.balanceAmountCents,
    credit_amount_cents: note.creditAmountCents,
    refund_amount_cents: note.refundAmountCents,
    offset_amount_cents: note.offsetAmountCents,
    coupons_adjustment_amount_cents: note.couponsAdjustmentAmountCents,
    created_at: note.createdAt,
    updated_at: note.updatedAt,
    file_url: embeds.fileUrl,
    xml_url: null,
    self_billed: false,
    items: note.items.map((item) => {
      const fee = invoice?.fees.find((candidate) => candidate.id === item.feeId);
      return {
        lago_id: item.id,
        amount_cents: item.amountCents,
        amount_currency: currency,
        fee: fee && invoice ? serializeFeeObject(fee, invoice, undefined) : null,
      };
    }),
    applied_taxes: note.appliedTaxes.map((tax) => ({
      lago_id: tax.id,
      lago_credit_note_id: note.id,
      lago_tax_id: tax.taxId,
      tax_name: tax.taxName,
      tax_code: tax.taxCode,
      tax_rate: Number(tax.taxRate),
      tax_description: tax.taxDescription,
      base_amount_cents: tax.baseAmountCents,
      amount_cents: tax.amountCents,
      amount_currency: currency,
      created_at: note.createdAt,
    })),
    customer: embeds.customer ? serializeCustomer(embeds.customer, embeds.organization) : null,
    metadata: Object.keys(note.metadata).length > 0 ? note.metadata : null,
    error_details: [],
  };
}

type EstimateShape = LagoShape<CreditNoteEstimated["estimated_credit_note"]>;

/** Lago's `estimated_credit_note` (`V1::CreditNotes::EstimateSerializer`). */
export function serializeCreditNoteEstimate(invoice: Invoice, estimate: CreditNoteEstimate): EstimateShape {
  const { amounts } = estimate;
  const currency = lagoCurrency(invoice.currency);
  const taxes = new Map(invoice.appliedTaxes.map((tax) => [tax.taxCode, tax]));
  return {
    lago_invoice_id: invoice.id,
    invoice_number: invoice.number,
    currency,
    taxes_amount_cents: amounts.taxesAmountCents,
    precise_taxes_amount_cents: Number(amounts.preciseTaxesAmountCents),
    taxes_rate: Number(amounts.taxesRate),
    sub_total_excluding_taxes_amount_cents: amounts.subTotalExcludingTaxesAmountCents,
    max_creditable_amount_cents: estimate.maxCreditableAmountCents,
    max_refundable_amount_cents: estimate.maxRefundableAmountCents,
    max_offsettable_amount_cents: estimate.maxOffsettableAmountCents,
    coupons_adjustment_amount_cents: amounts.couponsAdjustmentAmountCents,
    precise_coupons_adjustment_amount_cents: Number(amounts.preciseCouponsAdjustmentAmountCents),
    items: amounts.items.map((item) => ({ amount_cents: item.amountCents, lago_fee_id: item.fee.id })),
    applied_taxes: amounts.appliedTaxes.map((tax) => {
      const applied = taxes.get(tax.code);
      return {
        lago_tax_id: applied?.taxId ?? tax.code,
        tax_name: applied?.taxName ?? tax.code,
        tax_code: tax.code,
        tax_rate: Number(tax.rate),
        tax_description: applied?.taxDescription ?? "",
        base_amount_cents: tax.baseAmountCents,
        amount_cents: tax.amountCents,
        amount_currency: currency,
      };
    }),
  };
}
