import { applicableTimezone, type Customer, type Organization, type Plan } from "#shared/domain/catalog.js";
import type { Invoice } from "#shared/domain/invoice.js";
import { subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { trialEndedAt } from "#shared/domain/subscriptions/lifecycle.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { type DocumentFiles, documentFiles } from "../documents/document-files.js";
import type { InvoiceEmbeds } from "./serialize.js";

/** What the invoices' embeds are read from: the catalog (read only) and the organization's settings. */
export interface EmbedSources {
  readonly catalog: Pick<CatalogStore, "customerOf" | "subscriptionRecord" | "planOf">;
  readonly organization: Organization;
  /** Where stored PDFs are presigned (default: the process's documents bucket, read only when one is stored). */
  readonly files?: Pick<DocumentFiles, "presign">;
}

/**
 * The customer and subscription each invoice embeds, as the catalog has them at `now` (deleted
 * ones included), keyed by invoice id. Each customer, subscription and plan is read once however
 * many of the invoices name it. An invoice whose customer or subscription the catalog no longer
 * has gets no embeds (it is then shown with references only).
 */
export async function invoiceEmbeds(
  sources: EmbedSources,
  invoices: readonly (Invoice & { readonly fileKey?: string })[],
  now: string,
): Promise<Map<string, InvoiceEmbeds>> {
  const { catalog, organization } = sources;
  const customers = new Map<string, Promise<Customer | undefined>>();
  const subscriptions = new Map<string, Promise<InvoiceEmbeds["subscriptions"][number] | undefined>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>) => {
    let pending = cache.get(key);
    if (!pending) {
      pending = read();
      cache.set(key, pending);
    }
    return pending;
  };
  const customerOf = (invoice: Invoice) =>
    once(customers, invoice.customerId, () =>
      catalog.customerOf({
        organizationId: invoice.organizationId,
        customerId: invoice.customerId,
        externalCustomerId: invoice.externalCustomerId,
      }),
    );
  const subscriptionOf = (invoice: Invoice, customer: Customer) =>
    once(subscriptions, invoice.subscriptionId, async () => {
      const record = await catalog.subscriptionRecord(
        invoice.organizationId,
        invoice.externalSubscriptionId,
        invoice.subscriptionId,
      );
      if (!record || record.subscription.id !== invoice.subscriptionId) return undefined;
      const { subscription } = record;
      const plan: Plan | undefined = await catalog.planOf(subscription);
      if (!plan) return undefined;
      const timezone = applicableTimezone(customer, organization);
      return {
        subscription,
        plan,
        trialEndedAt: trialEndedAt(subscription, plan),
        currentPeriod:
          subscription.status === "active" ? subscriptionPeriodAt(subscription, plan, timezone, now) : null,
      };
    });
  // A stored PDF is shown by a presigned URL, signed here (no network call) for each showing.
  const fileUrlOf = async (invoice: Invoice & { readonly fileKey?: string }) =>
    invoice.fileKey ? { fileUrl: await (sources.files ?? documentFiles()).presign(invoice.fileKey) } : {};
  const entries = await Promise.all(
    invoices.map(async (invoice): Promise<[string, InvoiceEmbeds] | undefined> => {
      const customer = await customerOf(invoice);
      if (!customer) return undefined;
      const file = await fileUrlOf(invoice);
      // A one-off invoice bills no subscription.
      if (invoice.invoiceType === "one_off")
        return [invoice.id, { organization, customer, subscriptions: [], ...file }];
      const subscription = await subscriptionOf(invoice, customer);
      if (!subscription) return undefined;
      return [invoice.id, { organization, customer, subscriptions: [subscription], ...file }];
    }),
  );
  return new Map(entries.filter((entry) => entry !== undefined));
}
