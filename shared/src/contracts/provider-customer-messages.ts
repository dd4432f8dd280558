import { z } from "zod";

/**
 * What the provider-customers queue carries: a customer the catalog owes a customer at its payment
 * provider (Stripe), sent by the customer's write, or by the catalog clock when that send was lost.
 * Safe to handle twice: the customer is read again, Stripe is asked under one idempotency key per
 * customer, and its id is recorded only while the customer still has none.
 */
export const createProviderCustomerMessage = z.object({
  kind: z.literal("create_provider_customer"),
  organizationId: z.string().min(1),
  /** The customer's external id (its key in the catalog). */
  externalCustomerId: z.string().min(1),
  /** Its Lago id: a customer deleted and made again under the same external id is another one. */
  customerId: z.string().min(1),
  /** The instant of the customer's change that owed it: the instant its outcome is recorded at. */
  requestedAt: z.iso.datetime(),
});

export const providerCustomerMessage = z.discriminatedUnion("kind", [createProviderCustomerMessage]);
export type ProviderCustomerMessage = z.infer<typeof providerCustomerMessage>;
