import type { Customer } from "#shared/domain/catalog.js";
import { paidInvoice, totalDueAmountCents } from "#shared/domain/invoices/manual-payment.js";
import { stableUuid } from "#shared/platform/ids.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { CollectionStore, endingCollectionChanges } from "../store/collection-store.js";
import { InvoiceContendedError, type InvoiceStore, type StoredInvoice } from "../store/invoice-store.js";
import { type ManualPayment, PaymentStore } from "../store/payment-store.js";
import { type PaymentProvider, type ProviderPayment, paymentProviderOf } from "./payment-provider.js";

/** What carrying out a collection reads and writes. */
export interface CollectionDeps {
  readonly catalog: Pick<CatalogStore, "getCustomer">;
  readonly organizations: Pick<OrganizationStore, "get">;
  readonly invoices: Pick<InvoiceStore, "get" | "endCollection" | "paymentChangeUpdate">;
  readonly payments?: Pick<PaymentStore, "record">;
  readonly collections?: CollectionStore;
  /** The adapter of a customer's provider (`paymentProviderOf` unless a test gives its own). */
  readonly provider?: (customer: Customer | undefined) => Pick<PaymentProvider, "collect">;
}

let defaultPayments: PaymentStore | undefined;
const collectionsByStore = new WeakMap<object, CollectionStore>();

/** The stores a function has, built on first use when its dependencies do not name them. */
export function collectionStores(deps: CollectionDeps): {
  payments: Pick<PaymentStore, "record">;
  collections: CollectionStore;
} {
  if (!deps.payments) defaultPayments ??= new PaymentStore();
  const payments = deps.payments ?? (defaultPayments as PaymentStore);
  let collections = deps.collections ?? collectionsByStore.get(deps.invoices);
  if (!collections) {
    collections = new CollectionStore(deps.invoices);
    collectionsByStore.set(deps.invoices, collections);
  }
  return { payments, collections };
}

/** A provider's payment's id: one per (organization, provider payment), whoever records it. */
export const providerPaymentId = (organizationId: string, providerPayment: string) =>
  stableUuid("provider-payment", organizationId, providerPayment);

/** Attempts of recording an outcome while the invoice keeps moving (other payments, events). */
const MAX_ATTEMPTS = 8;

/** The customer an invoice bills, as the catalog has it now (undefined if gone or replaced). */
export async function invoiceCustomer(deps: Pick<CollectionDeps, "catalog">, invoice: StoredInvoice) {
  const customer = await deps.catalog.getCustomer(invoice.organizationId, invoice.externalCustomerId);
  return customer?.id === invoice.customerId ? customer : undefined;
}

/**
 * Records that the provider took `payment` of the invoice at `now`: a payment item, and the
 * invoice's paid total grown by it in the same transaction (paid in full, `succeeded`, owing
 * `invoice.payment_status_updated`), ending the collection. The payment's id comes from the
 * provider's, so a second report of it (the webhook after the collection's own answer, a
 * redelivery) records nothing. Returns whether the invoice owes events now.
 */
export async function recordProviderPayment(
  deps: CollectionDeps,
  read: StoredInvoice,
  payment: ProviderPayment,
  now: string,
): Promise<boolean> {
  const { payments } = collectionStores(deps);
  const changes = endingCollectionChanges(deps.invoices, { any: true });
  let invoice: StoredInvoice | undefined = read;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && invoice; attempt++) {
    if (invoice.status !== "finalized" || invoice.paymentStatus === "succeeded") return false;
    const amountCents = Math.min(payment.amountCents, totalDueAmountCents(invoice));
    if (amountCents <= 0) return false;
    const paid = paidInvoice(invoice, amountCents, now);
    const recorded: ManualPayment = {
      id: providerPaymentId(invoice.organizationId, payment.providerPaymentId),
      organizationId: invoice.organizationId,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: invoice.customerId,
      externalCustomerId: invoice.externalCustomerId,
      amountCents,
      currency: invoice.currency,
      reference: payment.providerPaymentId,
      createdAt: now,
      recordedAt: now,
      provider: {
        provider: payment.provider,
        code: payment.code,
        providerCustomerId: payment.providerCustomerId,
        providerPaymentId: payment.providerPaymentId,
      },
    };
    const settled = paid.paymentStatus !== invoice.paymentStatus;
    const outcome = await payments.record(
      changes,
      recorded,
      invoice,
      paid,
      settled ? ["invoice.payment_status_updated"] : [],
    );
    if (outcome.kind === "exists") return false;
    if (outcome.kind === "recorded") return settled;
    invoice = await deps.invoices.get(read.organizationId, read.id);
  }
  if (!invoice) return false;
  throw new InvoiceContendedError(read.id);
}

/**
 * Carries out the collection claimed as `claim` (its lease) of the invoice read as `stored`, at
 * `now`, under the provider's idempotency key `key`: asks the customer's provider, then records
 * its answer in one conditional write on the claim: taken at once (a payment), taken to be
 * answered later (the claim is held until the provider's webhook), failed (`invoice.payment_failure`
 * owed with it), or nothing done. A claim lost meanwhile (it ran out, another collection took
 * over) records nothing: that one records its own. Returns whether the invoice owes events now.
 */
export async function collectInvoicePayment(
  deps: CollectionDeps,
  stored: StoredInvoice,
  claim: { readonly leaseUntil: number },
  key: string,
  now: string,
): Promise<boolean> {
  const { organizationId, id } = stored;
  const customer = await invoiceCustomer(deps, stored);
  const organization = await deps.organizations.get(organizationId);
  const provider = (deps.provider ?? paymentProviderOf)(customer);
  const outcome = await provider.collect({
    invoice: stored,
    customer,
    key,
    organizationName: organization?.name ?? "",
  });
  const { collections } = collectionStores(deps);
  const holder = { lease: claim.leaseUntil };
  switch (outcome.kind) {
    case "skipped":
      await collections.endQuietly(organizationId, id, claim.leaseUntil);
      return false;
    case "started":
      await collections.hold(organizationId, id, claim.leaseUntil, outcome.providerPaymentId);
      return false;
    case "succeeded":
      return recordProviderPayment(deps, stored, outcome.payment, now);
  }
  let read: StoredInvoice | undefined = stored;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && read; attempt++) {
    if (read.collectionLeaseUntil !== claim.leaseUntil) return false;
    const recorded = outcome.marksFailed
      ? await collections.fail(
          read,
          { ...read, paymentStatus: "failed", updatedAt: now },
          outcome.failure,
          holder,
        )
      : await deps.invoices.endCollection(read, claim.leaseUntil, outcome.failure);
    if (recorded) return true;
    read = await deps.invoices.get(organizationId, id);
  }
  if (!read) return false;
  throw new InvoiceContendedError(id);
}
