import type { BillableMetric, Organization, Plan, Subscription } from "#shared/domain/catalog.js";
import { applicableTimezone } from "#shared/domain/catalog.js";
import { isWithinSubscription } from "#shared/domain/subscription-periods.js";
import { predecessorIds } from "#shared/domain/subscriptions/predecessors.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";

/** What placing an event needs to know about its subscription. */
export interface SubscriptionContext {
  readonly subscription: Subscription;
  readonly plan: Plan;
  readonly timezone: string;
}

export interface CatalogLookups {
  subscriptionContext(
    organizationId: string,
    externalSubscriptionId: string,
  ): Promise<SubscriptionContext | undefined>;
  metric(organizationId: string, code: string): Promise<BillableMetric | undefined>;
  /**
   * The subscription `current` replaced through plan changes that was running at `instant` (an
   * event dated before an upgrade or downgrade, arriving after it), if any.
   */
  replacedSubscriptionContext(
    current: SubscriptionContext,
    instant: string,
  ): Promise<SubscriptionContext | undefined>;
}

/**
 * Catalog reads for the consumer, cached per container for a short time: a batch of events for one
 * subscription reads its catalog once. Absent items are not cached, so a subscription created a
 * moment before its first events is found at once.
 */
export function cachedCatalogLookups(
  catalog: CatalogStore,
  organizations: OrganizationStore,
  ttlMs = 30_000,
  now: () => number = Date.now,
): CatalogLookups {
  const cache = new Map<string, { value: unknown; expiresAt: number }>();
  async function cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now()) return hit.value as T;
    const value = await load();
    if (value !== undefined) cache.set(key, { value, expiresAt: now() + ttlMs });
    return value;
  }
  const organization = (id: string) => cached<Organization>(`org:${id}`, () => organizations.get(id));
  return {
    subscriptionContext: (organizationId, externalId) =>
      cached(`sub:${organizationId}:${externalId}`, async () => {
        const subscription = await catalog.getSubscription(organizationId, externalId);
        if (!subscription) return undefined;
        const [plan, customer, org] = await Promise.all([
          // Its own plan: a child plan when it was created with plan_overrides.
          catalog.planOf(subscription),
          catalog.getCustomer(organizationId, subscription.externalCustomerId),
          organization(organizationId),
        ]);
        if (!plan || !customer || !org) return undefined;
        return { subscription, plan, timezone: applicableTimezone(customer, org) };
      }),
    metric: (organizationId, code) =>
      cached(`metric:${organizationId}:${code}`, () => catalog.getMetric(organizationId, code)),
    replacedSubscriptionContext: async ({ subscription: current, timezone }, instant) => {
      if (!current.previousSubscriptionId) return undefined;
      const { organizationId, externalId } = current;
      const history = await cached(`history:${organizationId}:${current.id}`, () =>
        catalog.subscriptionHistory(organizationId, externalId),
      );
      const byId = new Map((history ?? []).map((entry) => [entry.id, entry]));
      const running = predecessorIds(current, history ?? [])
        .map((id) => byId.get(id))
        .find((entry) => entry !== undefined && isWithinSubscription(entry, instant));
      if (!running) return undefined;
      const plan = await cached(`plan:${organizationId}:${running.planId}`, () => catalog.planOf(running));
      return plan ? { subscription: running, plan, timezone } : undefined;
    },
  };
}
