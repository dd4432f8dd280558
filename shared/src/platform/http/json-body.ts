import type middy from "@middy/core";
import type { ApiEvent } from "./api-handler.js";
import { badRequest } from "./errors.js";
import type { HttpResponse } from "./responses.js";

/** Parses a JSON request body into `event.parsedBody`; malformed JSON is Lago's 400. */
export function jsonBody(): middy.MiddlewareObj<ApiEvent, HttpResponse> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null || body === "") {
        request.event.parsedBody = undefined;
        return;
      }
      const text = isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
      try {
        request.event.parsedBody = JSON.parse(text);
      } catch {
        throw badRequest("the request body is not valid JSON");
      }
    },
  };
}
