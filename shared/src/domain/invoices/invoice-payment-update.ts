/**
 * `PUT /invoices/{id}` as Lago's `Invoices::UpdateService`: a payment status and metadata. A voided
 * invoice takes no update (405 `update_on_voided_invoice`), a draft neither metadata (405
 * `metadata_on_draft_invoice`) nor another payment status (405
 * `payment_status_update_on_draft_invoice`). Metadata is replaced as a whole: an entry naming the
 * id of an existing one updates it (keeping its id and creation time), one without an id (or with
 * an unknown id) is created, and those left out are deleted. At most 5 entries
 * (`Metadata::InvoiceMetadata::COUNT_PER_INVOICE`), keys unique, at most 20 characters, values at
 * most 140. Pure: ids and `now` come in as arguments.
 */
import type { Invoice, InvoiceMetadata, PaymentStatus } from "../invoice.js";

export const MAX_INVOICE_METADATA = 5;
export const MAX_METADATA_KEY_LENGTH = 20;
export const MAX_METADATA_VALUE_LENGTH = 140;

export interface MetadataInput {
  readonly id?: string | null;
  readonly key: string;
  readonly value: string;
}

export interface InvoiceUpdate {
  readonly paymentStatus?: PaymentStatus;
  readonly metadata?: readonly MetadataInput[];
}

/** Lago's 405 code refusing the update, or null. */
export function invoiceUpdateRefusal(
  invoice: Pick<Invoice, "status" | "paymentStatus">,
  update: InvoiceUpdate,
): string | null {
  if (invoice.status === "voided") return "update_on_voided_invoice";
  if (invoice.status === "draft" && update.metadata) return "metadata_on_draft_invoice";
  if (
    invoice.status === "draft" &&
    update.paymentStatus !== undefined &&
    update.paymentStatus !== invoice.paymentStatus
  )
    return "payment_status_update_on_draft_invoice";
  return null;
}

/** The metadata as `entries` replace `current`; `newId` names each created entry. */
export function replacedMetadata(
  current: readonly InvoiceMetadata[],
  entries: readonly MetadataInput[],
  now: string,
  newId: (index: number) => string,
): InvoiceMetadata[] {
  return entries.map((entry, index) => {
    const existing = entry.id ? current.find((kept) => kept.id === entry.id) : undefined;
    if (existing) return { ...existing, key: entry.key, value: entry.value };
    return { id: newId(index), key: entry.key, value: entry.value, createdAt: now };
  });
}

/**
 * The invoice after the update at `now`, and whether its payment status changed (which owes
 * `invoice.payment_status_updated`). A payment status set to `succeeded` clears `payment_overdue`.
 */
export function updatedInvoice<T extends Invoice>(
  invoice: T,
  update: InvoiceUpdate,
  now: string,
  newId: (index: number) => string,
): { readonly invoice: T; readonly paymentStatusChanged: boolean } {
  const paymentStatus = update.paymentStatus ?? invoice.paymentStatus;
  const paymentStatusChanged = paymentStatus !== invoice.paymentStatus;
  const metadata = update.metadata
    ? replacedMetadata(invoice.metadata ?? [], update.metadata, now, newId)
    : undefined;
  const changed = paymentStatusChanged || metadata !== undefined;
  return {
    invoice: {
      ...invoice,
      paymentStatus,
      ...(paymentStatus === "succeeded" && invoice.paymentOverdue ? { paymentOverdue: false } : {}),
      ...(metadata ? { metadata } : {}),
      ...(changed ? { updatedAt: now } : {}),
    },
    paymentStatusChanged,
  };
}
