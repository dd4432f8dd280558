import { collectionKey, owesCollectionOnceFinalized } from "#shared/domain/invoices/payment-collection.js";
import type { InvoiceStore, StoredInvoice } from "../store/invoice-store.js";
import {
  type CollectionDeps,
  collectInvoicePayment,
  collectionStores,
  invoiceCustomer,
} from "./collect-invoice-payment.js";

export type OwedCollectionDeps = CollectionDeps & {
  readonly invoices: CollectionDeps["invoices"] & Pick<InvoiceStore, "claimCollection" | "leaveDraftIndex">;
};

/**
 * The collection of its payment the invoice's finalization owes (Lago's
 * `Invoices::Payments::CreateService` after a finalization), carried out at `nowMs` (the wall
 * clock, for its claim) by whoever handles the invoice once its finalization's events are out:
 * the finalizing request or job, its redelivery, or the billing clock's next run, since the
 * invoice waits in the drafts index until it is done. A customer without a provider, or an invoice
 * with nothing due by now, is collected nothing (as Lago). The collection claims the invoice as a
 * retry does, and asks the provider under one key per invoice, so a collection repeated after a
 * crash (its claim run out) is the same one at the provider and charges once. Its end clears what
 * is owed in the same write. Returns whether the invoice owes events now (a failure, a payment).
 */
export async function collectOwedPayment(
  deps: OwedCollectionDeps,
  invoice: StoredInvoice,
  nowMs: number,
): Promise<boolean> {
  if (!invoice.paymentCollectionOwed) return false;
  const { organizationId, id } = invoice;
  const customer = await invoiceCustomer(deps, invoice);
  const { collections } = collectionStores(deps);
  let owes = false;
  if (!owesCollectionOnceFinalized(invoice) || !customer?.paymentProvider) {
    await collections.releaseOwed(organizationId, id);
  } else {
    const claim = await deps.invoices.claimCollection(organizationId, id, nowMs);
    // Another collection holds it: this one waits for the next handler (its end clears it).
    if (!claim) return false;
    owes = await collectInvoicePayment(
      deps,
      { ...invoice, collectionLeaseUntil: claim.leaseUntil },
      claim,
      collectionKey(id, { kind: "finalization" }),
      new Date(nowMs).toISOString(),
    );
  }
  if (!owes) {
    const standing = await deps.invoices.get(organizationId, id);
    if (standing && !standing.paymentCollectionOwed)
      await deps.invoices.leaveDraftIndex(organizationId, id, standing);
  }
  return owes;
}
