import type { SubscriptionObject, SubscriptionObjectExtended } from "lago-javascript-client";
import type { Plan, Tax } from "#shared/domain/catalog.js";
import type { Corrected, LagoShape } from "#shared/serializers/lago-shape.js";
import {
  type SubscriptionShape,
  type SubscriptionView,
  serializeSubscription,
} from "#shared/serializers/subscription.js";
import { type PlanShape, serializePlan } from "../plans/serialize.js";

export { type SubscriptionView, serializeSubscription };

/** What the subscriptions API adds to a subscription: its plan, whole (Lago's `includes: plan`). */
type SubscriptionExtendedShape = SubscriptionShape &
  Corrected<Omit<LagoShape<SubscriptionObjectExtended>, keyof SubscriptionObject>, { plan: PlanShape }>;

/**
 * A subscription as the subscriptions API shows it, with its plan (and the plan's taxes among
 * `taxes`). Usage thresholds are not part of this product yet.
 */
export function serializeSubscriptionExtended(
  view: SubscriptionView,
  plan: Plan,
  taxes: readonly Tax[],
): SubscriptionExtendedShape {
  return {
    ...serializeSubscription({ ...view, plan }),
    plan: serializePlan(plan, taxes),
    applicable_usage_thresholds: [],
  };
}
