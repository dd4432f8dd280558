import { randomUUID } from "node:crypto";
import { applicableTimezone, type Subscription } from "#shared/domain/catalog.js";
import { applyTransition, nextTransition } from "#shared/domain/subscriptions/lifecycle.js";
import { earliestInstant, trialEndToAnnounce } from "#shared/domain/subscriptions/trial-end.js";
import {
  ConcurrentChangeError,
  type OwedCatalogEvent,
  type SubscriptionRecord,
} from "#shared/store/catalog-store.js";
import { type CatalogDeps, changeNotice } from "../catalog-deps.js";
import { subscriptionEvent } from "../events/catalog-events.js";
import { publishAfterChange } from "../events/publish-owed-events.js";

export type SettleOutcome = "settled" | "not_due" | "changed_meanwhile";

/**
 * Brings one due subscription up to `now` (the clock's instant): applies its time-driven
 * transitions (start, end at ending_at, switch to a waiting downgrade's plan) and the end of its
 * free trial, each with the event it owes (`subscription.started`, `.terminated`, `.trial_ended`)
 * in the same write; tells invoicing, and leaves it due at its next transition or trial end. Each
 * write is conditional on the revision read; the subscription stays due until invoicing has been
 * told, so a crash anywhere is finished by the next run, and a request changing it meanwhile wins
 * (this run leaves it for the next).
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
    const plan = await deps.catalog.planOf(record.subscription);
    const trialEnd = (current: SubscriptionRecord) =>
      plan ? trialEndToAnnounce(current.subscription, plan) : null;
    let transition = nextTransition(record.subscription, timezone);
    for (;;) {
      const { subscription } = record;
      const trialEndsAt = trialEnd(record);
      // A trial that ends before the next transition (or with it) is announced first, while the
      // subscription is still what it was then.
      if (trialEndsAt && trialEndsAt <= now && (!transition || trialEndsAt <= transition.at)) {
        const announced: Subscription = { ...subscription, trialEndAnnounced: true };
        record = await saveWithEvent(deps, record, announced, now, "subscription.trial_ended", trialEndsAt);
        continue;
      }
      if (!transition || transition.at > now) break;
      if (transition.kind === "switch_plan") {
        const nextPlan = await nextPlanOf(deps, subscription, transition.planCode);
        if (!nextPlan) {
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
            plan: nextPlan,
            successorId: randomUUID(),
          });
          if (!successor) throw new Error("a plan switch starts a successor");
          const owed = [
            await subscriptionEvent(deps, "subscription.terminated", old, transition.at, {
              plan: plan ?? undefined,
            }),
            await subscriptionEvent(deps, "subscription.started", successor, transition.at, {
              plan: nextPlan,
            }),
          ];
          // Both stay due: the next run tells invoicing again and sets their next transitions.
          await deps.catalog.write([
            ...deps.catalog.subscriptionReplacement(
              record,
              { subscription: old, dueAt: now },
              { subscription: successor, dueAt: now },
            ),
            ...owed.map((event) => deps.catalog.owedEventInsertion(event)),
          ]);
          await publishAfterChange(deps, owed);
          await deps.notifyInvoicing([changeNotice(old, now), changeNotice(successor, now)]);
          return "settled";
        }
      } else {
        const moved = applyTransition(subscription, transition).subscription;
        const type = transition.kind === "activate" ? "subscription.started" : "subscription.terminated";
        record = await saveWithEvent(deps, record, moved, now, type, transition.at);
      }
      transition = nextTransition(record.subscription, timezone);
    }
    await deps.notifyInvoicing([changeNotice(record.subscription, now)]);
    await deps.catalog.saveSubscription(
      record,
      record.subscription,
      earliestInstant(transition?.at, trialEnd(record)),
    );
    return "settled";
  } catch (error) {
    if (error instanceof ConcurrentChangeError) return "changed_meanwhile";
    throw error;
  }
}

/**
 * Saves what a time-driven step made of the subscription (still due: the run goes on with it)
 * with the event it owes, shown as the subscription stands at the step's instant, then publishes it.
 */
async function saveWithEvent(
  deps: CatalogDeps,
  record: SubscriptionRecord,
  subscription: Subscription,
  now: string,
  type: "subscription.started" | "subscription.terminated" | "subscription.trial_ended",
  at: string,
): Promise<SubscriptionRecord> {
  const event: OwedCatalogEvent = await subscriptionEvent(deps, type, subscription, at);
  const saved = await deps.catalog.saveSubscription(record, subscription, now, [
    deps.catalog.owedEventInsertion(event),
  ]);
  await publishAfterChange(deps, [event]);
  return saved;
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
