import { randomUUID } from "node:crypto";
import { applicableTimezone, type Subscription } from "#shared/domain/catalog.js";
import { applyTransition, nextTransition } from "#shared/domain/subscriptions/lifecycle.js";
import { ConcurrentChangeError, type SubscriptionRecord } from "#shared/store/catalog-store.js";
import { type CatalogDeps, changeNotice } from "../catalog-deps.js";

export type SettleOutcome = "settled" | "not_due" | "changed_meanwhile";

/**
 * Brings one due subscription up to `now` (the clock's instant): applies its time-driven
 * transitions (start, end at ending_at, switch to a waiting downgrade's plan), tells invoicing, and
 * leaves it due at its next transition. Each write is conditional on the revision read; the
 * subscription stays due until invoicing has been told, so a crash anywhere is finished by the
 * next run, and a request changing it meanwhile wins (this run leaves it for the next).
 */
export async function settleDueSubscription(
  deps: CatalogDeps,
  due: { readonly organizationId: string; readonly externalId: string; readonly id: string },
  now: string,
): Promise<SettleOutcome> {
  let record = await deps.catalog.subscriptionRecord(due.organizationId, due.externalId, due.id);
  if (!record || record.subscription.id !== due.id || !record.dueAt || record.dueAt > now) return "not_due";
  try {
    const timezone = await timezoneOf(deps, record);
    let transition = nextTransition(record.subscription, timezone);
    while (transition && transition.at <= now) {
      const { subscription } = record;
      if (transition.kind === "switch_plan") {
        const plan = await nextPlanOf(deps, subscription, transition.planCode);
        if (!plan) {
          // The next plan was deleted meanwhile: the downgrade is dropped, the subscription goes on.
          const kept = {
            ...subscription,
            nextPlanCode: null,
            nextPlanAt: null,
            nextPlanId: null,
            updatedAt: now,
          };
          record = await deps.catalog.saveSubscription(record, kept, now);
        } else {
          const { subscription: old, successor } = applyTransition(subscription, transition, {
            plan,
            successorId: randomUUID(),
          });
          if (!successor) throw new Error("a plan switch starts a successor");
          // Both stay due: the next run tells invoicing again and sets their next transitions.
          await deps.catalog.replaceSubscription(
            record,
            { subscription: old, dueAt: now },
            { subscription: successor, dueAt: now },
          );
          await deps.notifyInvoicing([changeNotice(old, now), changeNotice(successor, now)]);
          return "settled";
        }
      } else {
        record = await deps.catalog.saveSubscription(
          record,
          applyTransition(subscription, transition).subscription,
          now,
        );
      }
      transition = nextTransition(record.subscription, timezone);
    }
    await deps.notifyInvoicing([changeNotice(record.subscription, now)]);
    await deps.catalog.saveSubscription(record, record.subscription, transition?.at ?? null);
    return "settled";
  } catch (error) {
    if (error instanceof ConcurrentChangeError) return "changed_meanwhile";
    throw error;
  }
}

/**
 * The plan a waiting downgrade switches to: the plan of its code, or the downgrade's own child of
 * it (its `plan_overrides`) when it has one; none once that plan was deleted.
 */
async function nextPlanOf(deps: CatalogDeps, subscription: Subscription, planCode: string) {
  const plan = await deps.catalog.getPlan(subscription.organizationId, planCode);
  if (!plan || !subscription.nextPlanId) return plan;
  const child = await deps.catalog.planOf({
    organizationId: subscription.organizationId,
    planCode,
    planId: subscription.nextPlanId,
  });
  return child?.parentId === plan.id ? child : undefined;
}

async function timezoneOf(deps: CatalogDeps, record: SubscriptionRecord): Promise<string> {
  const [customer, organization] = await Promise.all([
    deps.catalog.customerOf(record.subscription),
    deps.organizations.get(record.subscription.organizationId),
  ]);
  if (!customer || !organization) throw new Error(`subscription ${record.subscription.id} lost its customer`);
  return applicableTimezone(customer, organization);
}
