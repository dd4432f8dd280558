/**
 * The domain events the catalog owes, each Lago's webhook body for its type (checked by
 * `satisfies` against the body `lago-javascript-client` types), built at the change with the
 * object as the API serializes it then. Each event's `unique_key` is derived from what it is
 * (the subscription that started, the customer update at its instant), so every publication of
 * one event carries the same key.
 */
import type { WebhookBody } from "#shared/contracts/domain-events.js";
import type { Customer, Organization, Plan, Subscription } from "#shared/domain/catalog.js";
import { applicableTimezone } from "#shared/domain/catalog.js";
import { stableUuid } from "#shared/platform/ids.js";
import { type CustomerShape, serializeCustomer } from "#shared/serializers/customer.js";
import type { Corrected } from "#shared/serializers/lago-shape.js";
import type { OwedCatalogEvent } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";
import type { serializeSubscriptionExtended } from "../subscriptions/serialize.js";
import { subscriptionViewAt, taxesShownWith } from "../subscriptions/subscription-view.js";

export type CustomerEventType = "customer.created" | "customer.updated" | "customer.payment_provider_created";

export type SubscriptionEventType =
  | "subscription.started"
  | "subscription.updated"
  | "subscription.terminated"
  | "subscription.trial_ended";

/**
 * The customer as our serializer writes it: the client's `CustomerObject` but for the billing
 * configuration's and shipping address's nils, which Lago sends as null and the client does not
 * list (`CustomerShape` says so field by field).
 */
type CustomerBody<T extends CustomerEventType> = Corrected<WebhookBody<T>, { customer: CustomerShape }>;

/** Lago's body of a customer event: the customer as `V1::CustomerSerializer` writes it. */
export function customerEvent(
  type: CustomerEventType,
  customer: Customer,
  organization: Pick<Organization, "name" | "timezone" | "documentNumberPrefix">,
  now: string,
): OwedCatalogEvent {
  const object = serializeCustomer(customer, organization);
  const envelope = { object_type: "customer", organization_id: customer.organizationId } as const;
  const body = (() => {
    switch (type) {
      case "customer.created":
        return { webhook_type: type, ...envelope, customer: object } satisfies CustomerBody<typeof type>;
      case "customer.updated":
        return { webhook_type: type, ...envelope, customer: object } satisfies CustomerBody<typeof type>;
      case "customer.payment_provider_created":
        return { webhook_type: type, ...envelope, customer: object } satisfies CustomerBody<typeof type>;
    }
  })();
  const uniqueKey = (() => {
    switch (type) {
      // Created once; each update is an event of its own, at its instant.
      case "customer.created":
        return stableUuid(type, customer.id);
      case "customer.updated":
        return stableUuid(type, customer.id, now);
      // Once per customer made at the provider.
      case "customer.payment_provider_created":
        return stableUuid(type, customer.id, customer.paymentProvider?.providerCustomerId ?? "");
    }
  })();
  return owed(body, uniqueKey, now);
}

/** What a payment provider answered when it refused to create a customer (Lago's `provider_error`). */
export interface ProviderError {
  readonly message: string;
  readonly error_code: string | null;
}

/**
 * Lago's body of `customer.payment_provider_error`: the customer its provider refused to create
 * (`V1::PaymentProviders::CustomerErrorSerializer`) and the provider's message and code. One event
 * per version of the customer: the same refusal told again carries the same `unique_key`.
 */
export function providerCustomerErrorEvent(
  customer: Customer & { paymentProvider: NonNullable<Customer["paymentProvider"]> },
  error: ProviderError,
  now: string,
): OwedCatalogEvent {
  const type = "customer.payment_provider_error";
  const body = {
    webhook_type: type,
    object_type: "payment_provider_customer_error",
    organization_id: customer.organizationId,
    payment_provider_customer_error: {
      lago_customer_id: customer.id,
      external_customer_id: customer.externalId,
      payment_provider: customer.paymentProvider.provider,
      payment_provider_code: customer.paymentProvider.code,
      provider_error: { message: error.message, error_code: error.error_code },
    },
  } satisfies WebhookBody<typeof type>;
  return owed(body, stableUuid(type, customer.id, customer.updatedAt), now);
}

/** What a subscription's event shows beside it; read from the catalog when not given. */
export interface SubscriptionEventContext {
  /** Its plan (a child plan being written with the change must be given). */
  readonly plan?: Plan | undefined;
  /** Its customer (one being created with the change must be given). */
  readonly customer?: Customer | undefined;
  readonly organization?: Organization | undefined;
}

/**
 * Lago's body of a subscription event: the subscription as `V1::SubscriptionSerializer` writes it
 * with its plan and customer (`includes: plan, customer`), as it stands at `now`.
 */
export async function subscriptionEvent(
  deps: CatalogDeps,
  type: SubscriptionEventType,
  subscription: Subscription,
  now: string,
  context: SubscriptionEventContext = {},
): Promise<OwedCatalogEvent> {
  const [plan, customer, organization] = await Promise.all([
    context.plan ?? deps.catalog.planOf(subscription),
    context.customer ?? deps.catalog.customerOf(subscription),
    context.organization ?? deps.organizations.get(subscription.organizationId),
  ]);
  if (!plan || !customer || !organization)
    throw new Error(`subscription ${subscription.id} lost its plan, customer or organization`);
  const taxes = await taxesShownWith(deps, plan);
  const timezone = applicableTimezone(customer, organization);
  // Usage thresholds come only with Lago's `usage_threshold` include, never in these webhooks.
  const { applicable_usage_thresholds: _thresholds, ...extended } = subscriptionViewAt({
    subscription,
    plan,
    organization,
    timezone,
    taxes,
    now,
  });
  const object = { ...extended, customer: serializeCustomer(customer, organization) };
  const envelope = { object_type: "subscription", organization_id: subscription.organizationId } as const;
  const body = (() => {
    switch (type) {
      case "subscription.started":
        return { webhook_type: type, ...envelope, subscription: object } satisfies SubscriptionBody<
          typeof type
        >;
      case "subscription.updated":
        return { webhook_type: type, ...envelope, subscription: object } satisfies SubscriptionBody<
          typeof type
        >;
      case "subscription.terminated":
        return { webhook_type: type, ...envelope, subscription: object } satisfies SubscriptionBody<
          typeof type
        >;
      case "subscription.trial_ended":
        return { webhook_type: type, ...envelope, subscription: object } satisfies SubscriptionBody<
          typeof type
        >;
    }
  })();
  // A subscription starts, ends and ends its trial once; each update is an event of its own.
  const uniqueKey =
    type === "subscription.updated"
      ? stableUuid(type, subscription.id, now)
      : stableUuid(type, subscription.id);
  return owed(body, uniqueKey, now);
}

/**
 * The subscription with its plan and customer as our serializers write them: each checked against
 * the client's object, corrected where Lago sends nils the client does not list (see
 * `SubscriptionShape`, `PlanShape`, `CustomerShape`).
 */
type SubscriptionBody<T extends SubscriptionEventType> = Corrected<
  WebhookBody<T>,
  {
    subscription: Omit<ReturnType<typeof serializeSubscriptionExtended>, "applicable_usage_thresholds"> & {
      customer: CustomerShape;
    };
  }
>;

function owed(
  body: { webhook_type: string; object_type: string; organization_id: string } & Record<string, unknown>,
  uniqueKey: string,
  now: string,
): OwedCatalogEvent {
  return {
    organizationId: body.organization_id,
    type: body.webhook_type,
    objectType: body.object_type,
    bodyJson: JSON.stringify(body[body.object_type]),
    uniqueKey,
    owedAt: now,
  };
}
