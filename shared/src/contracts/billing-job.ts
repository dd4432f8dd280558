import { z } from "zod";

/** One due subscription, sent by the billing clock (or a termination) to an invoicing worker. */
export const billingJob = z.object({
  organizationId: z.string().min(1),
  externalSubscriptionId: z.string().min(1),
  /** Which subscription of that external id: a replaced one waits in its history for its last invoice. */
  subscriptionId: z.string().min(1).optional(),
  /** The clock's instant: whatever was due at or before it is done. */
  now: z.string().min(1),
});

export type BillingJob = z.output<typeof billingJob>;
