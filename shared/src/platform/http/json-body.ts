import type middy from "@middy/core";
import { inspectJson, parseExact } from "../json/json-text.js";
import type { ApiEvent } from "./api-handler.js";
import { badRequest, invalid, payloadTooLarge } from "./errors.js";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "./limits.js";
import type { HttpResponse } from "./responses.js";

/**
 * Parses a JSON request body into `event.parsedBody`, or refuses it before any route sees it:
 * over MAX_BODY_BYTES (413), not JSON (Lago's 400), nested deeper than MAX_JSON_DEPTH or holding a
 * string that is not valid Unicode (a lone UTF-16 surrogate, which DynamoDB cannot store) (422,
 * naming the field), or a number beyond doubles' range (422). Integers beyond 2^53 are kept exact (`LosslessNumber`), and
 * `event.exactNumbers` says so, for the few routes that store numbers as they came.
 */
export function jsonBody(): middy.MiddlewareObj<ApiEvent, HttpResponse> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      request.event.exactNumbers = false;
      if (body === undefined || body === null || body === "") {
        request.event.parsedBody = undefined;
        return;
      }
      const text = isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
      if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw payloadTooLarge();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw badRequest("the request body is not valid JSON");
      }
      const inspection = inspectJson(parsed, MAX_JSON_DEPTH);
      if (inspection.tooDeepAt !== undefined) throw invalid(inspection.tooDeepAt, "value_is_too_deep");
      if (inspection.invalidUnicodeAt !== undefined)
        throw invalid(inspection.invalidUnicodeAt, "invalid_unicode");
      if (inspection.outOfRangeAt !== undefined)
        throw invalid(inspection.outOfRangeAt, "value_is_out_of_range");
      if (inspection.inexactNumbers) {
        try {
          parsed = parseExact(text);
        } catch {
          // JSON.parse keeps the last of repeated keys; the exact parser refuses them.
          throw badRequest("the request body repeats a key");
        }
        request.event.exactNumbers = true;
      }
      request.event.parsedBody = parsed;
    },
  };
}
