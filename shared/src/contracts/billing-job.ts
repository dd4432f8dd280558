import { z } from "zod";

/** One due subscription, sent by the billing clock to an invoicing worker. */
export const billingJob = z.object({
  organizationId: z.string().min(1),
  externalSubscriptionId: z.string().min(1),
  /** The clock's instant: every period that closed at or before it is billed. */
  now: z.string().min(1),
});

export type BillingJob = z.output<typeof billingJob>;
