import type { LagoWebhookPayloads } from "lago-javascript-client";
import type { WebhookBody } from "#shared/contracts/domain-events.js";
import { stableUuid } from "#shared/platform/ids.js";
import type { Corrected, LagoShape } from "#shared/serializers/lago-shape.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import type { DomainEventPublisher } from "../billing/domain-events.js";
import { presentCreditNotes } from "../credit-notes/credit-note-embeds.js";
import { creditNoteEventPayload } from "../credit-notes/credit-note-event-bodies.js";
import { creditUnusedAdvanceFee } from "../credit-notes/credit-unused-advance-fee.js";
import { type RefundDeps, refundOwedCreditNote } from "../credit-notes/refund-credit-note.js";
import { collectOwedPayment, type OwedCollectionDeps } from "../payments/collect-owed-payment.js";
import { refundFailurePayload } from "../payments/refund-failure-payload.js";
import { type CreditNoteStore, creditNoteId } from "../store/credit-note-store.js";
import {
  type CreditNoteEvent,
  creditNoteOfEvent,
  type InvoiceStore,
  type OwedEvent,
  owedEvents,
  publishedName,
  restingPlace,
  type StoredInvoice,
} from "../store/invoice-store.js";
import { type EmbedSources, invoiceEmbeds } from "./invoice-embeds.js";
import { type InvoiceObjectEvent, type InvoiceShape, invoiceEventPayload } from "./invoice-event-bodies.js";
import { serializeInvoice } from "./serialize.js";

export interface EventPublication
  extends Omit<OwedCollectionDeps, "catalog" | "invoices">,
    Omit<RefundDeps, "catalog" | "invoices"> {
  /** Read only: what the payload embeds (customer, subscriptions), as the API shows them. */
  readonly catalog: EmbedSources["catalog"] & OwedCollectionDeps["catalog"];
  readonly organizations: Pick<OrganizationStore, "get">;
  /** Its payment's collection, owed by a finalization, is carried out once its events are out. */
  readonly invoices: Pick<
    InvoiceStore,
    "claimPublication" | "markEventPublished" | "releasePublication" | "leaveDraftIndex" | "getCreditNote"
  > &
    OwedCollectionDeps["invoices"];
  readonly publish: DomainEventPublisher;
  /** Where a termination's credit note is written; absent: the invoices' table. */
  readonly creditNoteWrites?: Pick<CreditNoteStore, "create">;
  /** Wall clock for publication leases only. */
  readonly clock?: () => number;
}

/**
 * Lago's payment provider error of an invoice: with no provider, Lago sends nil for the provider
 * (which the client's enum does not list) and `error_details`, which the client does not type.
 */
type PaymentFailureShape = Corrected<
  LagoShape<LagoWebhookPayloads["invoice.payment_failure"]["payment_provider_invoice_payment_error"]>,
  { payment_provider: string | null }
> & { readonly error_details: Readonly<Record<string, unknown>> | null };

/**
 * What an owed event carries: the invoice (as Lago's webhooks), or for `invoice.payment_failure`
 * Lago's payment provider error of the invoice (`V1::PaymentProviders::InvoicePaymentErrorSerializer`).
 */
function payloadOf(
  owed: OwedEvent,
  invoice: StoredInvoice,
  shown: InvoiceShape | undefined,
): Record<string, unknown> {
  const name = publishedName(owed);
  if (name === "subscription.advance_fee_unused") return unusedAdvanceFeePayload(invoice);
  if (name.startsWith("credit_note.")) throw new Error(`${name} is a credit note's event`);
  if (name !== "invoice.payment_failure") {
    if (!shown) throw new Error(`invoice ${invoice.id} owes ${name} but was not serialized`);
    return invoiceEventPayload(name as InvoiceObjectEvent, invoice.organizationId, shown);
  }
  const failure = invoice.lastPaymentFailure;
  const body = {
    webhook_type: name,
    object_type: "payment_provider_invoice_payment_error",
    organization_id: invoice.organizationId,
    payment_provider_invoice_payment_error: {
      lago_invoice_id: invoice.id,
      lago_customer_id: invoice.customerId,
      external_customer_id: invoice.externalCustomerId,
      provider_customer_id: failure?.providerCustomerId ?? null,
      payment_provider: failure?.paymentProvider ?? null,
      payment_provider_code: failure?.paymentProviderCode ?? null,
      provider_error: failure?.providerError ?? null,
      error_details: failure?.errorDetails ?? null,
    } satisfies PaymentFailureShape,
  } satisfies Corrected<
    WebhookBody<"invoice.payment_failure">,
    { payment_provider_invoice_payment_error: PaymentFailureShape }
  >;
  return {
    object_type: body.object_type,
    payment_provider_invoice_payment_error: body.payment_provider_invoice_payment_error,
  };
}

/**
 * Our own event (Lago has no webhook for it): what a terminated pay-in-advance subscription paid
 * ahead and did not use, for the credit note that gives it back.
 */
function unusedAdvanceFeePayload(invoice: StoredInvoice): Record<string, unknown> {
  const unused = invoice.unusedAdvanceFee;
  return {
    object_type: "unused_advance_fee",
    unused_advance_fee: {
      lago_subscription_id: invoice.subscriptionId,
      external_subscription_id: invoice.externalSubscriptionId,
      lago_customer_id: invoice.customerId,
      external_customer_id: invoice.externalCustomerId,
      lago_termination_invoice_id: invoice.id,
      lago_invoice_id: unused?.invoiceId ?? null,
      lago_fee_id: unused?.feeId ?? null,
      reason: unused?.reason ?? null,
      terminated_at: unused?.terminatedAt ?? null,
      unused_days: unused?.unusedDays ?? 0,
      period_days: unused?.periodDays ?? 0,
      amount_cents: unused?.amountCents ?? 0,
      precise_amount_cents: unused?.preciseAmountCents ?? "0",
      amount_currency: unused?.currency ?? invoice.currency,
    },
  };
}

/**
 * Publishes the events an invoice's changes owe (`invoice.drafted`, `invoice.created`, the
 * numbered payment events, `invoice.voided`), oldest first, each showing the invoice as it
 * stands, and marks each one published. One run at a time holds the lease; one that dies leaves them owed, for whoever next
 * claims them (a redelivered message, the billing clock's next run). Returns those published.
 */
export async function publishInvoiceEvents(
  deps: EventPublication,
  organizationId: string,
  invoiceId: string,
): Promise<OwedEvent[]> {
  const clock = deps.clock ?? Date.now;
  const published: OwedEvent[] = [];
  for (;;) {
    const claim = await deps.invoices.claimPublication(organizationId, invoiceId, clock());
    if (!claim) return published;
    const owed = owedEvents(claim.invoice);
    const payload = owed.some((event) => !event.startsWith("credit_note."))
      ? await webhookObject(deps, claim.invoice)
      : undefined;
    // Events left owed by this run: a note's creation whose refund the provider could not answer.
    const unsettled = new Set<OwedEvent>();
    for (const [index, event] of owed.entries()) {
      // The credit note giving the unused days back is made (once) before the event telling of them.
      if (publishedName(event) === "subscription.advance_fee_unused") {
        const credited = await creditUnusedAdvanceFee(deps, claim.invoice);
        if (credited.kind === "created")
          await publishInvoiceEvents(deps, organizationId, credited.creditNote.invoiceId);
      }
      // A publication repeated after a crash (between it and its mark) carries the same key.
      await deps.publish(
        publishedName(event),
        organizationId,
        event.startsWith("credit_note.")
          ? await creditNotePayload(deps, claim.invoice, event as `${CreditNoteEvent}#${number}`)
          : payloadOf(event, claim.invoice, payload),
        stableUuid("invoice-event", invoiceId, event),
      );
      published.push(event);
      // A note's owed refund is made once its creation is told, before that is marked: a crash in
      // between leaves the event owed, and whoever publishes it again makes the refund (the same
      // one at the provider, under the note's key). One the provider cannot answer now stays so.
      if (
        publishedName(event) === "credit_note.created" &&
        !(await refundOwedCreditNote(
          deps,
          claim.invoice,
          creditNoteOfEvent(event as `${CreditNoteEvent}#${number}`),
          clock(),
        ))
      ) {
        unsettled.add(event);
        continue;
      }
      // The last one is marked with the lease's release, in one write.
      if (index < owed.length - 1) await deps.invoices.markEventPublished(organizationId, invoiceId, event);
    }
    const released = await deps.invoices.releasePublication(
      organizationId,
      invoiceId,
      claim.leaseUntil,
      owed.at(-1) && unsettled.has(owed.at(-1) as OwedEvent) ? undefined : owed.at(-1),
    );
    // A lease that ran out is someone else's now, and so is what is left to publish; what the
    // provider could not answer waits for the billing clock's next run.
    if (!released || unsettled.size > 0) return published;
    if (owedEvents(released.invoice).length === 0) {
      if (released.invoice.paymentCollectionOwed) {
        // Its finalization owes its payment's collection; what that owes is published next. A
        // collection that cannot be made now (the provider unreachable) stays owed, and the
        // invoice in the drafts index, for the billing clock's next run: the change it follows
        // is made and told, and is not undone by it.
        try {
          if (await collectOwedPayment(deps, released.invoice, clock())) continue;
        } catch {
          // Owed still (see above).
        }
        return published;
      }
      // No invoice but a draft rests in the drafts index; an unsettled one in the overdue partitions.
      const standing = released.invoice;
      if (standing.status !== "draft" && released.duePk !== restingPlace(standing)?.duePk)
        await deps.invoices.leaveDraftIndex(organizationId, invoiceId, standing);
      return published;
    }
  }
}

/** A credit note event's payload: the note as `GET /credit_notes/{id}` shows it now. */
async function creditNotePayload(
  deps: EventPublication,
  invoice: StoredInvoice,
  owed: `${CreditNoteEvent}#${number}`,
): Promise<Record<string, unknown>> {
  const id = creditNoteId(invoice.organizationId, invoice.id, creditNoteOfEvent(owed));
  const note = await deps.invoices.getCreditNote(invoice.organizationId, id);
  if (!note) throw new Error(`invoice ${invoice.id} owes ${owed} of a credit note it does not have`);
  const name = publishedName(owed);
  if (name === "credit_note.refund_failure") {
    if (!note.refundFailure) throw new Error(`credit note ${id} owes ${owed} but keeps no failure`);
    return refundFailurePayload(invoice.organizationId, note, note.refundFailure);
  }
  const organization = await deps.organizations.get(invoice.organizationId);
  if (!organization) throw new Error(`organization ${invoice.organizationId} is gone`);
  const [shown] = await presentCreditNotes(
    { catalog: deps.catalog, organization, invoiceOf: async () => invoice },
    [note],
  );
  if (!shown) throw new Error(`credit note ${id} was not shown`);
  return creditNoteEventPayload(
    name as "credit_note.created" | "credit_note.generated",
    invoice.organizationId,
    shown,
  );
}

/**
 * The invoice as `GET /invoices/{id}` shows it, with its customer and subscriptions, as they stood
 * at the change that owes the event (a consumer sees the same object the API would have served).
 */
async function webhookObject(deps: EventPublication, invoice: StoredInvoice) {
  const organization = await deps.organizations.get(invoice.organizationId);
  if (!organization) return serializeInvoice(invoice);
  const embeds = await invoiceEmbeds({ catalog: deps.catalog, organization }, [invoice], invoice.updatedAt);
  return serializeInvoice(invoice, embeds.get(invoice.id));
}
