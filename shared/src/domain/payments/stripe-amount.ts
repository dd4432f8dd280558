/**
 * Amounts as Stripe counts them. We keep amounts in the ISO 4217 minor unit of their currency
 * (`currencyExponent`); Stripe counts most currencies the same way, with a few exceptions
 * (docs.stripe.com/currencies): ISK and UGX, which ISO counts without decimals, are sent to Stripe
 * with two decimals that are always 00; its three-decimal currencies take amounts whose last digit
 * is 0. Pure.
 */
import { currencyExponent } from "../money.js";

/** Currencies ISO counts without decimals and Stripe's API with two (always `00`). */
const TWO_DECIMALS_AT_STRIPE = new Set(["ISK", "UGX"]);
/** Stripe's three-decimal currencies: an amount must be a multiple of 10 (a whole fils). */
const THREE_DECIMALS_AT_STRIPE = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

/**
 * `amountCents` (our minor units of `currency`) in Stripe's units, or undefined when Stripe cannot
 * charge it exactly (a three-decimal amount not ending in 0): we never round what is due.
 */
export function toStripeAmount(amountCents: number, currency: string): number | undefined {
  const code = currency.toUpperCase();
  if (TWO_DECIMALS_AT_STRIPE.has(code) && currencyExponent(code) === 0) return amountCents * 100;
  if (THREE_DECIMALS_AT_STRIPE.has(code) && amountCents % 10 !== 0) return undefined;
  return amountCents;
}

/** A Stripe amount of `currency` back in our minor units (a partial `00` of ISK is dropped). */
export function fromStripeAmount(stripeAmount: number, currency: string): number {
  const code = currency.toUpperCase();
  if (TWO_DECIMALS_AT_STRIPE.has(code) && currencyExponent(code) === 0) return Math.floor(stripeAmount / 100);
  return stripeAmount;
}
