/** `POST /events/estimate_fees`: parse, estimate, map. */
import { z } from "zod";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { MAX_ID_LENGTH } from "#shared/platform/http/limits.js";
import { type HttpResponse, json } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { isLosslessNumber, stringifyJson } from "#shared/platform/json/json-text.js";
import type { AdvanceChargeDeps } from "./bill-pay-in-advance-events.js";
import { estimateFees } from "./estimate-fees.js";

/** An id as Lago reads it: a text, or a number's digits (kept exact past 2^53). */
const identifier = z.preprocess(
  (value) => (typeof value === "number" || isLosslessNumber(value) ? String(value) : value),
  z
    .string({ message: "value_is_mandatory" })
    .trim()
    .min(1, "value_is_mandatory")
    .max(MAX_ID_LENGTH, "value_is_too_long"),
);

/**
 * The event as `POST /events` takes it; its transaction id and timestamp are not needed (Lago
 * estimates the event as received now, under an id of its own).
 */
const estimateInput = z.object({
  external_subscription_id: identifier,
  code: identifier,
  properties: z.looseObject({}).nullish(),
  precise_total_amount_cents: z
    .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)], { message: "invalid_value" })
    .nullish(),
});

export async function estimateFeesRoute(
  request: ApiRequest,
  deps: Pick<AdvanceChargeDeps, "catalog" | "organizations" | "advanceFees">,
): Promise<HttpResponse> {
  const input = parseOrReject(estimateInput, rootParam(request.body, "event"));
  // The API key's organization may be a minute old; its timezone and taxes are read fresh.
  const organization = (await deps.organizations.get(request.organization.id)) ?? request.organization;
  const fees = await estimateFees(deps, {
    organization,
    externalSubscriptionId: input.external_subscription_id,
    code: input.code,
    properties: input.properties ?? {},
    preciseTotalAmountCents:
      input.precise_total_amount_cents === undefined || input.precise_total_amount_cents === null
        ? null
        : String(input.precise_total_amount_cents),
    now: request.receivedAt,
  });
  // Properties echoed back keep integers beyond 2^53 as they came.
  return json(200, { fees }, (value) => stringifyJson(value, request.exactNumbers));
}
