/**
 * When the catalog announces the end of a subscription's free trial (`subscription.trial_ended`),
 * as Lago's clock does: once, for a subscription active when its trial ends. A subscription that
 * replaced another after the chain's trial was over (an upgrade, a downgrade's successor) has no
 * trial end of its own to announce. Pure: the instants come in as arguments.
 */
import type { Plan, Subscription } from "../catalog.js";
import { trialEndedAt } from "./lifecycle.js";

/** The instant a subscription's trial end is still to be announced at, or null for none. */
export function trialEndToAnnounce(
  subscription: Pick<Subscription, "status" | "startedAt" | "trialStartedAt" | "trialEndAnnounced">,
  plan: Pick<Plan, "trialPeriodDays">,
): string | null {
  if (subscription.status !== "active" || subscription.trialEndAnnounced || !subscription.startedAt)
    return null;
  const end = trialEndedAt(subscription, plan);
  return end && end > subscription.startedAt ? end : null;
}

/** The earliest of some instants (ISO 8601 UTC, so they sort as text), or null when none is given. */
export function earliestInstant(...instants: ReadonlyArray<string | null | undefined>): string | null {
  const given = instants.filter((instant): instant is string => typeof instant === "string");
  return given.length > 0
    ? given.reduce((earliest, instant) => (instant < earliest ? instant : earliest))
    : null;
}
