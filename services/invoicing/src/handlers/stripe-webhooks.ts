import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import type { HttpResponse } from "#shared/platform/http/responses.js";
import { text } from "#shared/platform/http/responses.js";
import { createLogger } from "#shared/platform/logger.js";
import { stripeAccount } from "#shared/platform/stripe-account.js";
import type { PaymentDeps } from "../payments/record-payment.js";
import { stripeWebhookRoute } from "../payments/stripe-webhook-route.js";
import { PaymentStore } from "../store/payment-store.js";
import { invoiceChangeDeps } from "./invoice-change-deps.js";

const logger = createLogger("invoicing-stripe-webhooks");

let deps: PaymentDeps | undefined;
const dependencies = (): PaymentDeps => {
  deps ??= { ...invoiceChangeDeps(), payments: new PaymentStore() };
  return deps;
};

/**
 * Stripe's webhooks (`POST /webhooks/stripe/{organization_id}`), public: no API key, the body's
 * signature is checked instead, on the body exactly as received. A failure of ours is logged
 * without the request (its body is Stripe's, its header a signature) and answered 500, which
 * Stripe retries.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    try {
      const body = event.body ?? "";
      return await stripeWebhookRoute(
        {
          organizationId: event.pathParameters?.organization_id ?? "",
          rawBody: event.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body,
          signature: event.headers?.["stripe-signature"],
          receivedAt: new Date(event.requestContext.timeEpoch).toISOString(),
        },
        { ...dependencies(), account: stripeAccount },
      );
    } catch (error) {
      logger.error("stripe webhook failed", { error: error instanceof Error ? error.name : "unknown" });
      return text(500, "");
    }
  });
