/**
 * A customer's payment provider, as Lago keeps it in `billing_configuration`: the provider's name
 * and connection code on the customer, and the provider customer (its id at the provider, whether
 * Lago creates it there, the payment methods it may be charged by). Pure: no I/O.
 */

/** Lago's payment providers (`Customer::PAYMENT_PROVIDERS`): any other name is `value_is_invalid`. */
export const LAGO_PAYMENT_PROVIDERS = [
  "stripe",
  "gocardless",
  "cashfree",
  "adyen",
  "flutterwave",
  "moneyhash",
] as const;

/**
 * The one Stripe connection of a deployment (one Stripe account, its keys in Secrets Manager) and
 * its code. Lago finds a connection by its code, or takes the organization's only one when none is
 * sent: here every organization has this one connection.
 */
export const STRIPE_CONNECTION_CODE = "stripe";

/** Stripe payment methods Lago accepts (`StripeCustomer::PAYMENT_METHODS`), and its default. */
export const STRIPE_PAYMENT_METHODS = [
  "card",
  "sepa_debit",
  "us_bank_account",
  "bacs_debit",
  "link",
  "boleto",
  "crypto",
  "customer_balance",
] as const;
export const DEFAULT_STRIPE_PAYMENT_METHODS: readonly string[] = ["card"];

export interface CustomerPaymentProvider {
  readonly provider: "stripe";
  /** The connection's code (`payment_provider_code`). */
  readonly code: string;
  /** The customer's id at Stripe (`cus_…`); null until it is known. */
  readonly providerCustomerId: string | null;
  /** Lago creates the customer at the provider when it has no id there. */
  readonly syncWithProvider: boolean;
  readonly paymentMethods: readonly string[];
}

/** The payment provider fields of a customer's `billing_configuration`, as sent. */
export interface PaymentProviderInput {
  readonly payment_provider?: string | null | undefined;
  readonly payment_provider_code?: string | null | undefined;
  readonly provider_customer_id?: string | null | undefined;
  readonly sync_with_provider?: boolean | null | undefined;
  readonly provider_payment_methods?: readonly string[] | null | undefined;
}

export type PaymentProviderChange =
  | { readonly kind: "set"; readonly provider: CustomerPaymentProvider | null }
  | { readonly kind: "invalid"; readonly field: string; readonly code: string }
  /** A provider Lago knows but this deployment has no connection for (Lago's 404). */
  | { readonly kind: "not_found" };

/** Lago's checks of a Stripe customer's payment methods: known, `link` with `card`, `customer_balance` alone. */
export function paymentMethodsRefusal(methods: readonly string[]): string | undefined {
  const known: readonly string[] = STRIPE_PAYMENT_METHODS;
  if (methods.some((method) => !known.includes(method))) return "value_is_invalid";
  if (methods.includes("link") && !methods.includes("card")) return "value_is_invalid";
  if (methods.includes("customer_balance") && methods.length > 1) return "value_is_invalid";
  return undefined;
}

/**
 * The customer's payment provider after `input`, as Lago's customer create and update services
 * make it: nothing sent keeps it; `payment_provider: null` removes it (Lago's API ignores a null
 * provider on creation: there is none to remove); a provider customer keeps its id, sync setting
 * and payment methods unless sent again, and starts with Lago's `["card"]`.
 */
export function paymentProviderAfter(
  current: CustomerPaymentProvider | null,
  input: PaymentProviderInput | undefined,
): PaymentProviderChange {
  if (!input) return { kind: "set", provider: current };
  const sentProvider = input.payment_provider;
  const touchesProviderCustomer =
    input.provider_customer_id !== undefined ||
    input.sync_with_provider !== undefined ||
    input.provider_payment_methods !== undefined ||
    input.payment_provider_code !== undefined;
  if (sentProvider === undefined && !touchesProviderCustomer) return { kind: "set", provider: current };
  if (sentProvider === null) return { kind: "set", provider: null };
  const name = sentProvider ?? current?.provider;
  // Provider customer fields with no provider, sent or kept: Lago has nothing to attach them to.
  if (name === undefined) return { kind: "set", provider: current };
  if (!(LAGO_PAYMENT_PROVIDERS as readonly string[]).includes(name))
    return { kind: "invalid", field: "payment_provider", code: "value_is_invalid" };
  if (name !== "stripe") return { kind: "not_found" };
  const code = input.payment_provider_code ?? current?.code ?? STRIPE_CONNECTION_CODE;
  if (code !== STRIPE_CONNECTION_CODE) return { kind: "not_found" };
  const methods =
    input.provider_payment_methods && input.provider_payment_methods.length > 0
      ? [...new Set(input.provider_payment_methods)]
      : (current?.paymentMethods ?? DEFAULT_STRIPE_PAYMENT_METHODS);
  const refusal = paymentMethodsRefusal(methods);
  if (refusal) return { kind: "invalid", field: "provider_payment_methods", code: refusal };
  return {
    kind: "set",
    provider: {
      provider: "stripe",
      code,
      providerCustomerId:
        input.provider_customer_id !== undefined
          ? input.provider_customer_id || null
          : (current?.providerCustomerId ?? null),
      syncWithProvider:
        input.sync_with_provider !== undefined
          ? Boolean(input.sync_with_provider)
          : (current?.syncWithProvider ?? false),
      paymentMethods: methods,
    },
  };
}
