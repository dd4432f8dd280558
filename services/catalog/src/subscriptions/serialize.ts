export { type SubscriptionView, serializeSubscription } from "#shared/serializers/subscription.js";
