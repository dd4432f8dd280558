import { stableUuid } from "#shared/platform/ids.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import type { DomainEventPublisher } from "../billing/domain-events.js";
import {
  type InvoiceEvent,
  type InvoiceStore,
  owedEvents,
  type StoredInvoice,
} from "../store/invoice-store.js";
import { type EmbedSources, invoiceEmbeds } from "./invoice-embeds.js";
import { serializeInvoice } from "./serialize.js";

export interface EventPublication {
  /** Read only: what the payload embeds (customer, subscriptions), as the API shows them. */
  readonly catalog: EmbedSources["catalog"];
  readonly organizations: Pick<OrganizationStore, "get">;
  readonly invoices: Pick<
    InvoiceStore,
    "claimPublication" | "markEventPublished" | "releasePublication" | "leaveDraftIndex"
  >;
  readonly publish: DomainEventPublisher;
  /** Wall clock for publication leases only. */
  readonly clock?: () => number;
}

/**
 * Publishes the events an invoice's changes owe (`invoice.drafted`, `invoice.created`,
 * `invoice.voided`), oldest first, each showing the invoice as it stands, and marks each one
 * published. One run at a time holds the lease; one that dies leaves them owed, for whoever next
 * claims them (a redelivered message, the billing clock's next run). Returns those published.
 */
export async function publishInvoiceEvents(
  deps: EventPublication,
  organizationId: string,
  invoiceId: string,
): Promise<InvoiceEvent[]> {
  const clock = deps.clock ?? Date.now;
  const published: InvoiceEvent[] = [];
  for (;;) {
    const claim = await deps.invoices.claimPublication(organizationId, invoiceId, clock());
    if (!claim) return published;
    const owed = owedEvents(claim.invoice);
    const payload = owed.length > 0 ? await webhookObject(deps, claim.invoice) : undefined;
    for (const [index, event] of owed.entries()) {
      // A publication repeated after a crash (between it and its mark) carries the same key.
      await deps.publish(
        event,
        organizationId,
        { object_type: "invoice", invoice: payload },
        stableUuid("invoice-event", invoiceId, event),
      );
      published.push(event);
      // The last one is marked with the lease's release, in one write.
      if (index < owed.length - 1) await deps.invoices.markEventPublished(organizationId, invoiceId, event);
    }
    const released = await deps.invoices.releasePublication(
      organizationId,
      invoiceId,
      claim.leaseUntil,
      owed.at(-1),
    );
    // A lease that ran out is someone else's now, and so is what is left to publish.
    if (!released) return published;
    if (owedEvents(released.invoice).length === 0) {
      if (released.inDraftIndex && released.invoice.status !== "draft")
        await deps.invoices.leaveDraftIndex(organizationId, invoiceId);
      return published;
    }
  }
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
