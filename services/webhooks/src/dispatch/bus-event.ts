import { z } from "zod";
import { DOMAIN_EVENT_SOURCE_PREFIX } from "#shared/contracts/domain-events.js";

/**
 * A domain event as the bus rule puts it on the webhook events queue: EventBridge's envelope, and
 * in `detail` the webhook body plus `unique_key` (shared/src/contracts/domain-events.ts).
 */
export const busEvent = z.object({
  id: z.string().min(1),
  source: z.string().startsWith(DOMAIN_EVENT_SOURCE_PREFIX),
  "detail-type": z.string().min(1),
  detail: z
    .object({
      webhook_type: z.string().min(1),
      object_type: z.string().min(1),
      organization_id: z.string().min(1),
      unique_key: z.string().min(1).optional(),
    })
    .passthrough(),
});

export type BusEvent = z.infer<typeof busEvent>;
