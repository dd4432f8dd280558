import { z } from "zod";
import { CREDIT_NOTE_REASONS } from "#shared/domain/credit-notes/credit-note.js";

/** A credit note lists at most this many items (an invoice's fees, a few times over). */
const MAX_ITEMS = 1000;
const MAX_METADATA_KEYS = 50;
/** Minor units; within what DynamoDB's numbers and JavaScript's integers keep exactly. */
const cents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const optionalCents = cents.nullable().optional();

const items = z
  .array(z.object({ fee_id: z.string().min(1).max(100), amount_cents: cents }), {
    message: "must_be_an_array",
  })
  .max(MAX_ITEMS, { message: "too_many_items" });

const metadata = z
  .record(z.string().min(1).max(100), z.string().max(1000).nullable())
  .refine((value) => Object.keys(value).length <= MAX_METADATA_KEYS, { message: "too_many_keys" });

/** `POST /credit_notes`: Lago's fields; the reason defaults to `other`, each split amount to 0. */
export const creditNoteCreate = z.object({
  invoice_id: z.string().min(1).max(100),
  reason: z.enum(CREDIT_NOTE_REASONS, { message: "value_is_invalid" }).nullable().optional(),
  description: z.string().max(1000).nullable().optional(),
  credit_amount_cents: optionalCents,
  refund_amount_cents: optionalCents,
  offset_amount_cents: optionalCents,
  items,
  metadata: metadata.nullable().optional(),
});

/** `POST /credit_notes/estimate`: the invoice and the items. */
export const creditNoteEstimate = z.object({ invoice_id: z.string().min(1).max(100), items });

/** `PUT /credit_notes/{id}`: the refund status and metadata, each optional. */
export const creditNoteUpdate = z.object({
  refund_status: z.enum(["pending", "succeeded", "failed"], { message: "value_is_invalid" }).optional(),
  metadata: metadata.nullable().optional(),
});
