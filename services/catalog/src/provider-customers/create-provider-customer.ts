/**
 * Creates a customer's customer at Stripe, as Lago's Stripe service does for a customer synced with
 * its provider (`sync_with_provider`) with no `provider_customer_id`: off the request path, from the
 * provider-customers queue. Stripe is asked under one idempotency key per Lago customer, so a
 * redelivery, or a function that died after Stripe answered, creates one Stripe customer; its id is
 * recorded on the customer with `customer.payment_provider_created` owed in the same write, only
 * while the customer still waits for one.
 */
import Stripe from "stripe";
import type { ProviderCustomerMessage } from "#shared/contracts/provider-customer-messages.js";
import type { Customer } from "#shared/domain/catalog.js";
import {
  needsProviderCustomer,
  providerCustomerKey,
  type StripeCustomerParams,
  stripeCustomerParams,
} from "#shared/domain/payments/provider-customer.js";
import type { StripeAccount } from "#shared/platform/stripe-account.js";
import { ProviderCustomerTakenError } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { customerEvent, type ProviderError, providerCustomerErrorEvent } from "../events/catalog-events.js";
import { publishAfterChange } from "../events/publish-owed-events.js";

export interface ProviderCustomerDeps extends Pick<CatalogDeps, "catalog" | "organizations" | "publish"> {
  /** The deployment's Stripe account, read on first use. */
  readonly stripe: () => Promise<StripeAccount>;
}

export type ProviderCustomerOutcome =
  /** Made at Stripe and recorded, `customer.payment_provider_created` owed. */
  | { readonly kind: "created"; readonly providerCustomerId: string }
  /** Nothing to do: the customer is gone, has an id, or is no longer synced with Stripe. */
  | { readonly kind: "not_needed" }
  /** Made at Stripe, but the customer changed before its id was recorded (given one, or another provider). */
  | { readonly kind: "superseded"; readonly providerCustomerId: string }
  /** Stripe refused it (a 4xx): `customer.payment_provider_error` owed, nothing recorded. */
  | { readonly kind: "refused"; readonly code: string | null };

/** Lago's payload without its nulls (Stripe's SDK leaves an unset field out). */
function createParams(params: StripeCustomerParams): Stripe.CustomerCreateParams {
  const address = Object.fromEntries(
    Object.entries(params.address).filter(([, value]) => value !== null),
  ) as Stripe.AddressParam;
  return {
    name: params.name,
    ...(params.email !== null ? { email: params.email } : {}),
    ...(params.phone !== null ? { phone: params.phone } : {}),
    ...(Object.keys(address).length > 0 ? { address } : {}),
    metadata: { ...params.metadata },
  };
}

/**
 * The Stripe customer made for `customer` by an earlier attempt whose parameters differ (the customer
 * changed since: Stripe then refuses the key's replay with an idempotency error), found as Lago finds
 * it, by the customer's email, and told apart by Lago's metadata naming this customer.
 */
async function madeEarlier(
  client: Stripe,
  customer: Customer,
  params: Stripe.CustomerCreateParams,
): Promise<string | undefined> {
  if (!params.email) return undefined;
  const listed = await client.customers.list({ email: params.email, limit: 100 });
  const mine = listed.data.filter((candidate) => candidate.metadata?.lago_customer_id === customer.id);
  return mine.length === 1 ? mine[0]?.id : undefined;
}

/**
 * Stripe's refusals of the request itself (Lago's `InvalidRequestError`, `PermissionError`,
 * `AuthenticationError`): told as `customer.payment_provider_error`, never retried. Anything else
 * (the network, rate limits, Stripe's own errors, an idempotency conflict whose earlier customer is
 * not found) is thrown, so the message is delivered again, then dead-lettered.
 */
function refusal(error: unknown): ProviderError | undefined {
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripePermissionError ||
    error instanceof Stripe.errors.StripeAuthenticationError
  )
    return { message: error.message, error_code: error.code ?? null };
  return undefined;
}

export async function createProviderCustomer(
  deps: ProviderCustomerDeps,
  message: ProviderCustomerMessage,
  now: string,
): Promise<ProviderCustomerOutcome> {
  const customer = await deps.catalog.getCustomer(message.organizationId, message.externalCustomerId);
  if (!customer || customer.id !== message.customerId || !needsProviderCustomer(customer))
    return { kind: "not_needed" };
  const organization = await deps.organizations.get(message.organizationId);
  if (!organization) return { kind: "not_needed" };
  const { client } = await deps.stripe();
  const params = createParams(stripeCustomerParams(customer));
  let created: Pick<Stripe.Customer, "id">;
  try {
    created = await client.customers.create(params, { idempotencyKey: providerCustomerKey(customer.id) });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeIdempotencyError) {
      // Made by an attempt that died before recording it; none found: retried, then dead-lettered.
      const earlier = await madeEarlier(client, customer, params);
      if (!earlier) throw error;
      created = { id: earlier };
    } else {
      const refused = refusal(error);
      if (!refused) throw error;
      // Told once per version of the customer (still the one read), and the message is done.
      const event = providerCustomerErrorEvent(customer, refused, now);
      await deps.catalog.write([
        deps.catalog.customerCheck(customer),
        deps.catalog.owedEventInsertion(event),
      ]);
      await publishAfterChange(deps, [event]);
      return { kind: "refused", code: refused.error_code };
    }
  }
  const recorded: Customer = {
    ...customer,
    paymentProvider: { ...customer.paymentProvider, providerCustomerId: created.id },
  };
  const event = customerEvent("customer.payment_provider_created", recorded, organization, now);
  try {
    await deps.catalog.write([
      deps.catalog.providerCustomerRecording(customer, created.id),
      deps.catalog.owedEventInsertion(event),
    ]);
  } catch (error) {
    if (error instanceof ProviderCustomerTakenError)
      return { kind: "superseded", providerCustomerId: created.id };
    throw error;
  }
  await publishAfterChange(deps, [event]);
  return { kind: "created", providerCustomerId: created.id };
}
