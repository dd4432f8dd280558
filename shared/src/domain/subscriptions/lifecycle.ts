/**
 * The subscription state machine: pending → active → terminated (or pending → canceled), and the
 * successor that replaces a subscription on a plan change. One set of rules for the catalog, which
 * applies the transitions to the subscriptions it owns, and for invoicing, which bills what a
 * subscription is at an instant even before the catalog has recorded its transition. Pure: every
 * instant comes in as an argument.
 *
 * Time-driven transitions:
 * - `activate`: a pending subscription starts at the local midnight of its subscription_at's day;
 * - `end`: an active one reaching its `ending_at` is terminated then ("ended");
 * - `switch_plan`: an active one with a waiting downgrade is terminated at the end of the period the
 *   downgrade was asked in ("downgraded"), and its successor on the next plan starts then.
 * Requests (termination, upgrade, cancellation) move it at once with `terminated` and `canceled`.
 */
import type { Plan, Subscription } from "../catalog.js";
import { localDate, startOfLocalDay } from "../periods.js";

/** A subscription whose subscription_at is on a later local day than `now` waits as pending. */
export function startsLater(subscriptionAt: string, timezone: string, now: string): boolean {
  return localDate(subscriptionAt, timezone) > localDate(now, timezone);
}

/** When a pending subscription turns active: the first instant of its start day, locally. */
export function activationInstant(subscriptionAt: string, timezone: string): string {
  return startOfLocalDay(localDate(subscriptionAt, timezone), timezone);
}

/** A subscription ended at `at`, for `reason`. */
export function terminated(
  subscription: Subscription,
  at: string,
  reason: NonNullable<Subscription["terminationReason"]>,
): Subscription {
  return {
    ...subscription,
    status: "terminated",
    terminatedAt: at,
    terminationReason: reason,
    nextPlanCode: null,
    nextPlanAt: null,
    updatedAt: at,
  };
}

/** A pending subscription withdrawn before it started; nothing to bill. */
export function canceled(subscription: Subscription, at: string): Subscription {
  return {
    ...subscription,
    status: "canceled",
    canceledAt: at,
    terminationReason: "canceled",
    updatedAt: at,
  };
}

/** When a plan's free trial ends for this subscription, or null without a trial. */
export function trialEndedAt(
  subscription: Pick<Subscription, "startedAt" | "trialStartedAt">,
  plan: Pick<Plan, "trialPeriodDays">,
): string | null {
  if (!subscription.startedAt || plan.trialPeriodDays <= 0) return null;
  const from = subscription.trialStartedAt ?? subscription.startedAt;
  return new Date(Date.parse(from) + plan.trialPeriodDays * 86_400_000).toISOString();
}

/** Where the trial of a subscription replacing `previous` counts from: the chain's first start. */
export function inheritedTrialStart(
  previous: Pick<Subscription, "startedAt" | "trialStartedAt">,
): string | null {
  return previous.trialStartedAt ?? previous.startedAt;
}

export type Transition =
  | { readonly kind: "activate"; readonly at: string }
  | { readonly kind: "end"; readonly at: string }
  | { readonly kind: "switch_plan"; readonly at: string; readonly planCode: string };

/** The next time-driven transition of a subscription, or null when none waits. */
export function nextTransition(subscription: Subscription, timezone: string): Transition | null {
  if (subscription.status === "pending") {
    return { kind: "activate", at: activationInstant(subscription.subscriptionAt, timezone) };
  }
  if (subscription.status !== "active") return null;
  const { endingAt, nextPlanCode, nextPlanAt } = subscription;
  const switching = nextPlanCode && nextPlanAt ? nextPlanAt : null;
  // Ending first (or at the same instant) wins: there is nothing left to switch.
  if (endingAt && (!switching || endingAt <= switching)) return { kind: "end", at: endingAt };
  if (switching && nextPlanCode) return { kind: "switch_plan", at: switching, planCode: nextPlanCode };
  return null;
}

/** What a transition makes of a subscription, and the successor a plan switch starts. */
export interface TransitionOutcome {
  readonly subscription: Subscription;
  readonly successor: Subscription | null;
}

/**
 * Applies one transition. A switch needs the next plan and the successor's id (chosen by the
 * caller, so this stays pure); the old subscription ends at the switch, as Lago ends it when its
 * successor starts, so its last period is billed in full.
 */
export function applyTransition(
  subscription: Subscription,
  transition: Transition,
  next?: { readonly plan: Pick<Plan, "id" | "code">; readonly successorId: string },
): TransitionOutcome {
  switch (transition.kind) {
    case "activate":
      return {
        subscription: {
          ...subscription,
          status: "active",
          startedAt: subscription.subscriptionAt,
          activatedAt: transition.at,
          updatedAt: transition.at,
        },
        successor: null,
      };
    case "end":
      return { subscription: terminated(subscription, transition.at, "ended"), successor: null };
    case "switch_plan": {
      if (!next) throw new Error("a plan switch needs the next plan");
      return {
        subscription: terminated(subscription, transition.at, "downgraded"),
        successor: {
          ...subscription,
          id: next.successorId,
          planId: next.plan.id,
          planCode: next.plan.code,
          status: "active",
          startedAt: transition.at,
          terminatedAt: null,
          terminationReason: null,
          previousSubscriptionId: subscription.id,
          trialStartedAt: inheritedTrialStart(subscription),
          previousPlanCode: subscription.planCode,
          nextPlanCode: null,
          nextPlanAt: null,
          activatedAt: null,
          createdAt: transition.at,
          updatedAt: transition.at,
        },
      };
    }
  }
}

/**
 * The subscription as it stands at `instant` for billing, its time-driven end applied even if
 * not recorded yet: active past its `ending_at` is terminated then; active past a waiting
 * downgrade's switch is terminated at the switch (its successor is billed on its own). A
 * pending one is left as it is: nothing of it is billed until it starts.
 */
export function asOf(subscription: Subscription, timezone: string, instant: string): Subscription {
  const transition = nextTransition(subscription, timezone);
  if (!transition || transition.kind === "activate" || transition.at > instant) return subscription;
  return applyTransition(subscription, transition, {
    plan: { id: subscription.planId, code: subscription.planCode },
    successorId: subscription.id,
  }).subscription;
}
