import type Stripe from "stripe";
import { MAX_ID_LENGTH } from "#shared/platform/http/limits.js";
import { type HttpResponse, json, text } from "#shared/platform/http/responses.js";
import type { StripeAccount } from "#shared/platform/stripe-account.js";
import { applyStripeEvent } from "./apply-stripe-event.js";
import type { PaymentDeps } from "./record-payment.js";

/** What the webhook's request carries: the organization of its path, its raw body and signature. */
export interface StripeWebhookRequest {
  readonly organizationId: string;
  readonly rawBody: string;
  readonly signature: string | undefined;
  readonly receivedAt: string;
}

/**
 * `POST /webhooks/stripe/{organization_id}`: Stripe's webhook of the deployment's account, public
 * (no API key; Stripe signs it), as Lago's `WebhooksController#stripe`: the raw body is verified
 * with the account's signing secret by the SDK (`webhooks.constructEvent`, which also refuses a
 * signature older than its tolerance), else a 400 and nothing changes (Lago answers an empty 400;
 * ours has Lago's error shape, code `webhook_error`, as every error of this API); a verified event
 * is applied (`applyStripeEvent`) and answered with an empty 200, also when it is not for an
 * invoice of this organization. A failure naming a collection whose start is not recorded yet is a
 * 409, which Stripe sends again later.
 */
export async function stripeWebhookRoute(
  request: StripeWebhookRequest,
  deps: PaymentDeps & { readonly account: () => Promise<StripeAccount> },
): Promise<HttpResponse> {
  const { client, webhookSecret } = await deps.account();
  let event: Stripe.Event;
  try {
    event = client.webhooks.constructEvent(request.rawBody, request.signature ?? "", webhookSecret);
  } catch {
    return json(400, { status: 400, error: "Bad Request", code: "webhook_error" });
  }
  // An id no organization can have names none: nothing to change.
  if (request.organizationId.length === 0 || request.organizationId.length > MAX_ID_LENGTH)
    return text(200, "");
  const outcome = await applyStripeEvent(deps, request.organizationId, event, request.receivedAt);
  if (outcome.kind === "too_early")
    return json(409, { status: 409, error: "Conflict", code: "payment_not_recorded_yet" });
  return text(200, "");
}
