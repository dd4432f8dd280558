import type { Logger } from "@aws-lambda-powertools/logger";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { AmountOutOfRangeError } from "../../domain/money.js";
import { LagoHttpError, validationFailed } from "./errors.js";
import { type HttpResponse, json } from "./responses.js";

/**
 * Turns every error into a response: Lago's bodies for the errors services raise, and a bare 500
 * (logged with its stack) for anything unexpected, so an exception never leaks its message.
 */
export function lagoErrors(logger: Logger): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof LagoHttpError) {
        request.response = json(error.status, error.body);
        return;
      }
      // Usage so large that its price cannot be written (docs/limits.md): the data's limit, not a fault.
      if (error instanceof AmountOutOfRangeError) {
        const refused = validationFailed({ amount_cents: ["value_is_out_of_range"] });
        request.response = json(refused.status, refused.body);
        return;
      }
      logger.error("unhandled error", { error, routeKey: request.event.routeKey });
      request.response = json(500, { status: 500, error: "Internal Server Error" });
    },
  };
}
