import type { SubscriptionChanged } from "#shared/contracts/invoicing-messages.js";
import type { Subscription } from "#shared/domain/catalog.js";
import type { DomainEventPublisher } from "#shared/platform/domain-event-publisher.js";
import type { CatalogStore, OwedProviderCustomer } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";

/** What the catalog's use cases work with. */
export interface CatalogDeps {
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  /**
   * Tells invoicing that subscriptions changed (it bills from them: a termination's final invoice
   * at once). Only the fast path: every changed subscription is also due in the catalog's own due
   * index until the catalog clock has told invoicing, so a change is never left untold.
   */
  readonly notifyInvoicing: (changes: readonly SubscriptionChanged[]) => Promise<void>;
  /**
   * Publishes the catalog's domain events (`customer.created`, `subscription.started`, …) on the
   * bus. Only the fast path too: each is owed in the write of its change until published, and the
   * catalog clock publishes whatever is still owed.
   */
  readonly publish: DomainEventPublisher;
  /**
   * Asks for customers to be created at their payment provider (the provider-customers queue).
   * Only the fast path too: each is owed in the write of the customer's change until sent, and the
   * catalog clock sends whatever is still owed.
   */
  readonly requestProviderCustomers: (owed: readonly OwedProviderCustomer[]) => Promise<void>;
}

/** The notice of a subscription's change, for invoicing. */
export function changeNotice(subscription: Subscription, now: string): SubscriptionChanged {
  return {
    kind: "subscription_changed",
    organizationId: subscription.organizationId,
    externalSubscriptionId: subscription.externalId,
    subscriptionId: subscription.id,
    now,
  };
}
