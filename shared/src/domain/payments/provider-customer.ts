/**
 * A customer's customer at its payment provider, as Lago creates it when the customer asks to be
 * synced (`billing_configuration.sync_with_provider`) and has no `provider_customer_id` yet: when
 * one is owed, the idempotency key of its creation, and what Stripe is asked to store. Pure: no I/O.
 */
import type { Customer } from "../catalog.js";
import type { PaymentProviderInput } from "./customer-payment-provider.js";

/**
 * A Stripe customer is owed to a customer whose provider is Stripe, synced with the provider, and
 * with no id there yet (Lago's create and update services then ask the provider to create it).
 */
export function needsProviderCustomer(
  customer: Pick<Customer, "paymentProvider"> | undefined,
): customer is Pick<Customer, "paymentProvider"> & {
  paymentProvider: NonNullable<Customer["paymentProvider"]>;
} {
  const provider = customer?.paymentProvider;
  return Boolean(
    provider && provider.provider === "stripe" && provider.syncWithProvider && !provider.providerCustomerId,
  );
}

/**
 * Whether a customer write asks for the customer's Stripe customer: as Lago's create and update
 * services, only a request that sends `sync_with_provider: true` does, and only for a customer left
 * a synced Stripe customer with no id there. A later update that does not send it again (the
 * customer's name, say) asks for nothing, even if an earlier creation was refused.
 */
export function asksForProviderCustomer(
  customer: Pick<Customer, "paymentProvider">,
  sent: PaymentProviderInput | undefined,
): boolean {
  return sent?.sync_with_provider === true && needsProviderCustomer(customer);
}

/**
 * The idempotency key of a customer's creation at Stripe: one per Lago customer, so however often
 * its creation is asked again (a redelivery, a crash after Stripe answered), Stripe answers with
 * the customer it made the first time (Stripe keeps a key's answer at least 24 hours).
 */
export function providerCustomerKey(customerId: string): string {
  return `lago-customer-${customerId}`;
}

/** What Lago sends Stripe to create a customer (`stripe_create_payload`), nulls as Lago has them. */
export interface StripeCustomerParams {
  readonly name: string;
  /** The first of the customer's comma-separated emails. */
  readonly email: string | null;
  readonly phone: string | null;
  readonly address: {
    readonly city: string | null;
    readonly country: string | null;
    readonly line1: string | null;
    readonly line2: string | null;
    readonly postal_code: string | null;
    readonly state: string | null;
  };
  readonly metadata: { readonly lago_customer_id: string; readonly customer_id: string };
}

/**
 * The Stripe customer of `customer`, as Lago's Stripe service asks for it: its name (else its first
 * and last names joined), its first email, its phone and billing address, and Lago's metadata
 * naming the Lago customer and its external id.
 */
export function stripeCustomerParams(customer: Customer): StripeCustomerParams {
  const name = customer.name?.trim()
    ? customer.name
    : [customer.firstname, customer.lastname].filter((part) => part !== null).join(" ");
  const email = customer.email?.trim().split(",")[0];
  return {
    name,
    email: email ? email : null,
    phone: customer.phone,
    address: {
      city: customer.city,
      country: customer.country,
      line1: customer.addressLine1,
      line2: customer.addressLine2,
      postal_code: customer.zipcode,
      state: customer.state,
    },
    metadata: { lago_customer_id: customer.id, customer_id: customer.externalId },
  };
}
