import { createHash } from "node:crypto";
import type middy from "@middy/core";
import type { Organization } from "../../domain/catalog.js";
import type { ApiEvent } from "./api-handler.js";
import { unauthorized } from "./errors.js";
import type { HttpResponse } from "./responses.js";

/** Looks an organization up by the SHA-256 of its API key (keys are stored hashed only). */
export type ApiKeyResolver = (apiKeyHash: string) => Promise<Organization | undefined>;

export function hashApiKey(apiKey: string): string {
  return createHash("sha256").update(apiKey, "utf8").digest("hex");
}

function bearerToken(headers: ApiEvent["headers"]): string | undefined {
  // API Gateway lowercases header names in payload 2.0; the local runtime does too.
  const value = headers?.authorization;
  const match = value?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** `Authorization: Bearer <api key>` → `event.organization`, or Lago's 401. */
export function apiKeyAuth(resolve: ApiKeyResolver): middy.MiddlewareObj<ApiEvent, HttpResponse> {
  return {
    before: async (request) => {
      const token = bearerToken(request.event.headers);
      if (!token) throw unauthorized();
      const organization = await resolve(hashApiKey(token));
      if (!organization) throw unauthorized();
      request.event.organization = organization;
    },
  };
}
