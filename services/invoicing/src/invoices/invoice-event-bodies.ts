/**
 * Invoicing's domain events as Lago's webhook bodies, each checked by TypeScript against the body
 * `lago-javascript-client` types for its webhook type: the envelope exactly, and the object our
 * serializer writes. Where the client's object type is narrower than what Lago sends (nils it does
 * not list, fields it does not type), the object is our serializer's own shape, itself checked
 * against the client's object with those corrections named (`InvoiceShape`, `FeeObjectShape`).
 */
import type { WebhookBody } from "#shared/contracts/domain-events.js";
import type { Corrected } from "#shared/serializers/lago-shape.js";
import type { StandaloneFeeShape } from "../advance-charges/serialize-advance-fee.js";
import type { FeeObjectShape } from "../fees/serialize-fee.js";
import type { serializeInvoice } from "./serialize.js";

/** An invoice as its API and its webhooks show it. */
export type InvoiceShape = ReturnType<typeof serializeInvoice>;

/** Lago's webhooks whose object is the invoice. */
export type InvoiceObjectEvent =
  | "invoice.drafted"
  | "invoice.created"
  | "invoice.one_off_created"
  | "invoice.generated"
  | "invoice.voided"
  | "invoice.payment_status_updated"
  | "invoice.payment_overdue";

type InvoiceBody<T extends InvoiceObjectEvent> = Corrected<WebhookBody<T>, { invoice: InvoiceShape }>;

/** What the publisher sends of a body: all but the envelope's type and organization, which it adds. */
export type PublishedPayload<Body> = Omit<Body, "webhook_type" | "organization_id">;

const invoiceBodies: {
  readonly [T in InvoiceObjectEvent]: (organization_id: string, invoice: InvoiceShape) => InvoiceBody<T>;
} = {
  "invoice.drafted": (organization_id, invoice) => ({
    webhook_type: "invoice.drafted",
    object_type: "invoice",
    organization_id,
    invoice,
  }),
  "invoice.created": (organization_id, invoice) => ({
    webhook_type: "invoice.created",
    object_type: "invoice",
    organization_id,
    invoice,
  }),
  "invoice.one_off_created": (organization_id, invoice) => ({
    webhook_type: "invoice.one_off_created",
    object_type: "invoice",
    organization_id,
    invoice,
  }),
  "invoice.generated": (organization_id, invoice) => ({
    webhook_type: "invoice.generated",
    object_type: "invoice",
    organization_id,
    invoice,
  }),
  "invoice.voided": (organization_id, invoice) => ({
    webhook_type: "invoice.voided",
    object_type: "invoice",
    organization_id,
    invoice,
  }),
  "invoice.payment_status_updated": (organization_id, invoice) => ({
    webhook_type: "invoice.payment_status_updated",
    object_type: "invoice",
    organization_id,
    invoice,
  }),
  "invoice.payment_overdue": (organization_id, invoice) => ({
    webhook_type: "invoice.payment_overdue",
    object_type: "invoice",
    organization_id,
    invoice,
  }),
};

export const isInvoiceObjectEvent = (type: string): type is InvoiceObjectEvent => type in invoiceBodies;

/** The payload of an invoice event: `object_type: "invoice"` and the invoice. */
export function invoiceEventPayload(
  type: InvoiceObjectEvent,
  organizationId: string,
  invoice: InvoiceShape,
): PublishedPayload<InvoiceBody<InvoiceObjectEvent>> {
  const {
    webhook_type: _type,
    organization_id: _organization,
    ...payload
  } = invoiceBodies[type](organizationId, invoice);
  return payload;
}

/** A fee as `GET /fees/{id}` shows it: on its invoice, or standalone (`lago_invoice_id` null). */
type FeeBody = Corrected<WebhookBody<"fee.created">, { fee: FeeObjectShape | StandaloneFeeShape }>;

/** `fee.created`'s payload: the fee as `GET /fees/{id}` shows it. */
export function feeCreatedPayload(
  organizationId: string,
  fee: FeeObjectShape | StandaloneFeeShape,
): PublishedPayload<FeeBody> {
  const body = {
    webhook_type: "fee.created",
    object_type: "fee",
    organization_id: organizationId,
    fee,
  } satisfies FeeBody;
  return { object_type: body.object_type, fee: body.fee };
}
