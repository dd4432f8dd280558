/** Lago's official client against a local runtime, and the helpers contract tests share. */
import { Client, getLagoError } from "lago-javascript-client";
import type { LocalRuntime } from "../../infra/local/runtime.js";

export type Lago = ReturnType<typeof Client>;

export const lagoClient = (runtime: LocalRuntime, apiKey = runtime.apiKey): Lago =>
  Client(apiKey, { baseUrl: runtime.apiUrl });

/** The Lago error body of a call expected to fail; the test fails if the call succeeds. */
export async function lagoError(call: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await call;
  } catch (error) {
    return (await getLagoError(error)) as Record<string, unknown>;
  }
  throw new Error("the call succeeded");
}

export async function control(runtime: LocalRuntime, path: string, body: unknown = {}) {
  const response = await fetch(`${runtime.url}${path}`, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A second organization on the same runtime, with its own client. */
export async function otherOrganization(runtime: LocalRuntime, name = "Other Org"): Promise<Lago> {
  const created = await control(runtime, "/_local/organizations", { name });
  return lagoClient(runtime, created.body.api_key as string);
}

export const validationError = (details: Record<string, string[]>) => ({
  status: 422,
  error: "Unprocessable Entity",
  code: "validation_errors",
  error_details: details,
});

export const notFoundError = (resource: string) => ({
  status: 404,
  error: "Not Found",
  code: `${resource}_not_found`,
});
