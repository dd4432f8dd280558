/**
 * Credit notes' webhooks as Lago's bodies, checked by TypeScript against the bodies
 * `lago-javascript-client` types: `credit_note.created` and `credit_note.generated` carry the
 * note as `GET /credit_notes/{id}` shows it (our shape, see `CreditNoteShape`).
 */
import type { WebhookBody } from "#shared/contracts/domain-events.js";
import type { Corrected } from "#shared/serializers/lago-shape.js";
import type { PublishedPayload } from "../invoices/invoice-event-bodies.js";
import type { CreditNoteShape } from "./serialize-credit-note.js";

export type CreditNoteObjectEvent = "credit_note.created" | "credit_note.generated";

type CreditNoteBody<T extends CreditNoteObjectEvent> = Corrected<
  WebhookBody<T>,
  { credit_note: CreditNoteShape }
>;

const creditNoteBodies: {
  readonly [T in CreditNoteObjectEvent]: (
    organization_id: string,
    note: CreditNoteShape,
  ) => CreditNoteBody<T>;
} = {
  "credit_note.created": (organization_id, credit_note) => ({
    webhook_type: "credit_note.created",
    object_type: "credit_note",
    organization_id,
    credit_note,
  }),
  "credit_note.generated": (organization_id, credit_note) => ({
    webhook_type: "credit_note.generated",
    object_type: "credit_note",
    organization_id,
    credit_note,
  }),
};

/** The payload of a credit note event: `object_type: "credit_note"` and the note. */
export function creditNoteEventPayload(
  type: CreditNoteObjectEvent,
  organizationId: string,
  note: CreditNoteShape,
): PublishedPayload<CreditNoteBody<CreditNoteObjectEvent>> {
  const {
    webhook_type: _type,
    organization_id: _organization,
    ...payload
  } = creditNoteBodies[type](organizationId, note);
  return payload;
}
