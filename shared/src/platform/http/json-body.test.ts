import type middy from "@middy/core";
import { describe, expect, it } from "vitest";
import { isLosslessNumber } from "../json/json-text.js";
import type { ApiEvent } from "./api-handler.js";
import { LagoHttpError } from "./errors.js";
import { jsonBody } from "./json-body.js";
import { MAX_BODY_BYTES } from "./limits.js";
import type { HttpResponse } from "./responses.js";

function parse(body: string): ApiEvent {
  const event = { body, isBase64Encoded: false } as ApiEvent;
  const before = jsonBody().before as (request: middy.Request<ApiEvent, HttpResponse>) => void;
  before({ event } as middy.Request<ApiEvent, HttpResponse>);
  return event;
}

function refusal(body: string): { status: number; body: Record<string, unknown> } {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof LagoHttpError) return { status: error.status, body: error.body };
    throw error;
  }
  throw new Error("the body was accepted");
}

describe("request bodies", () => {
  it("refuses a body over the limit with a 413 in Lago's shape", () => {
    const body = JSON.stringify({ customer: { name: "x".repeat(MAX_BODY_BYTES) } });
    expect(refusal(body)).toEqual({
      status: 413,
      body: { status: 413, error: "Payload Too Large", code: "request_body_too_large" },
    });
  });

  it("refuses nesting past the limit, a lone surrogate and a number beyond doubles, naming the field", () => {
    const deep = `{"event":{"properties":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}}`;
    expect(refusal(deep)).toMatchObject({ status: 422, body: { code: "validation_errors" } });
    expect(refusal('{"customer":{"name":"x\\ud800"}}')).toEqual({
      status: 422,
      body: {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { "customer.name": ["invalid_unicode"] },
      },
    });
    expect(refusal('{"plan":{"trial_period":1e999}}').body.error_details).toEqual({
      "plan.trial_period": ["value_is_out_of_range"],
    });
  });

  it("keeps integers beyond 2^53 exact and says so; refuses repeated keys then", () => {
    const event = parse('{"event":{"properties":{"ts_ns":1764547200000000001}}}');
    expect(event.exactNumbers).toBe(true);
    const ts = (event.parsedBody as { event: { properties: { ts_ns: unknown } } }).event.properties.ts_ns;
    expect(isLosslessNumber(ts) && ts.toString()).toBe("1764547200000000001");
    expect(parse('{"a":1}').exactNumbers).toBe(false);
    expect(refusal('{"a":1,"a":12345678901234567890}')).toMatchObject({ status: 400 });
    expect(refusal("{nope")).toEqual({
      status: 400,
      body: { status: 400, error: "BadRequest: the request body is not valid JSON" },
    });
  });
});
