/**
 * The subscriptions a subscription replaced through plan changes (upgrades, downgrades), newest
 * first. A recurring metric's value carries across them, as Lago aggregates recurring usage by the
 * external id they all share. Pure: the history (the replaced subscriptions of the same external
 * id) comes in as an argument.
 */
import type { Subscription } from "../catalog.js";

/**
 * Ids of the subscription's predecessors, newest first: its `previousSubscriptionId`, then that
 * one's, and so on while the history holds them. A subscription that merely took over a freed
 * external id names no predecessor, so nothing of the earlier one carries. A loop in the records
 * (never written, but a reader must not spin) ends the walk.
 */
export function predecessorIds(
  subscription: Pick<Subscription, "id" | "previousSubscriptionId">,
  history: readonly Pick<Subscription, "id" | "previousSubscriptionId">[],
): string[] {
  const byId = new Map(history.map((entry) => [entry.id, entry]));
  const seen = new Set([subscription.id]);
  const ids: string[] = [];
  let next = subscription.previousSubscriptionId;
  while (next && !seen.has(next)) {
    ids.push(next);
    seen.add(next);
    next = byId.get(next)?.previousSubscriptionId ?? null;
  }
  return ids;
}

/**
 * Where a subscription's recurring usage starts: the start of the first subscription of its chain
 * of plan changes (itself when it replaced none). Events of the same external id before it belong
 * to an unrelated subscription that held the id before, and never carry.
 */
export function usageChainStart(
  subscription: Pick<Subscription, "id" | "previousSubscriptionId" | "startedAt">,
  history: readonly Pick<Subscription, "id" | "previousSubscriptionId" | "startedAt">[],
): string | null {
  const byId = new Map(history.map((entry) => [entry.id, entry]));
  let start = subscription.startedAt;
  for (const id of predecessorIds(subscription, history)) {
    const startedAt = byId.get(id)?.startedAt ?? null;
    if (startedAt !== null && (start === null || startedAt < start)) start = startedAt;
  }
  return start;
}
