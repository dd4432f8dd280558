import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" } as const;

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

/** `serialize`: how the body becomes text (`stringifyJson` where it may hold exact big numbers). */
export function json(
  statusCode: number,
  body: unknown,
  serialize: (body: unknown) => string = JSON.stringify,
): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS }, body: serialize(body) };
}

export const ok = (body: unknown): HttpResponse => json(200, body);

export function text(statusCode: number, body: string): HttpResponse {
  return { statusCode, headers: { "content-type": "text/plain; charset=utf-8" }, body };
}
