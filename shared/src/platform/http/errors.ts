/**
 * Lago's API error bodies (Lago's `ApiErrors` concern). Services return or throw these; the
 * `lagoErrors` middleware turns them into responses, so no handler builds an error body itself.
 */

export type ErrorDetails = { readonly [field: string]: readonly string[] | ErrorDetails };

export class LagoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Readonly<Record<string, unknown>>,
  ) {
    super(`${status} ${JSON.stringify(body)}`);
    this.name = "LagoHttpError";
  }
}

export const badRequest = (message: string): LagoHttpError =>
  new LagoHttpError(400, { status: 400, error: `BadRequest: ${message}` });

export const unauthorized = (): LagoHttpError =>
  new LagoHttpError(401, { status: 401, error: "Unauthorized" });

export const forbidden = (code: string): LagoHttpError =>
  new LagoHttpError(403, { status: 403, error: "Forbidden", code });

/** `resource` is Lago's resource name: `customer` gives the code `customer_not_found`. */
export const notFound = (resource: string): LagoHttpError =>
  new LagoHttpError(404, { status: 404, error: "Not Found", code: `${resource}_not_found` });

/** A request body over the API's limit (MAX_BODY_BYTES, docs/limits.md). */
export const payloadTooLarge = (): LagoHttpError =>
  new LagoHttpError(413, { status: 413, error: "Payload Too Large", code: "request_body_too_large" });

export const methodNotAllowed = (code: string): LagoHttpError =>
  new LagoHttpError(405, { status: 405, error: "Method Not Allowed", code });

export const validationFailed = (errorDetails: ErrorDetails): LagoHttpError =>
  new LagoHttpError(422, {
    status: 422,
    error: "Unprocessable Entity",
    code: "validation_errors",
    error_details: errorDetails,
  });

/** One field, one Lago error code: `invalid(“timezone”, “invalid_timezone”)`. */
export const invalid = (field: string, code: string): LagoHttpError => validationFailed({ [field]: [code] });
