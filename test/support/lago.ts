/** Lago's official client against a local runtime, and the helpers contract tests share. */
import { Client, getLagoError } from "lago-javascript-client";
import { type LocalRuntime, startLocalRuntime } from "../../infra/local/runtime.js";

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

/**
 * Where the contract tests' manual clock starts: `BILLING_CONTRACT_CLOCK` (the suite runs again at
 * the 1st of a month, a 31st and a 29 February, see vitest.config.ts), else a fixed instant. Tests
 * place every date relative to it, never to the wall clock.
 */
export const CONTRACT_CLOCK_START = process.env.BILLING_CONTRACT_CLOCK ?? "2026-06-17T09:30:00.000Z";

/**
 * A local runtime on a free port with a manual clock, the default organization's client and a
 * second organization's (for isolation checks): what every contract test starts from.
 */
export async function startContractRuntime(): Promise<{ runtime: LocalRuntime; lago: Lago; stranger: Lago }> {
  const runtime = await startLocalRuntime({
    port: 0,
    clock: "manual",
    clockStart: CONTRACT_CLOCK_START,
    retryDelaySeconds: 0,
    log: () => undefined,
  });
  return { runtime, lago: lagoClient(runtime), stranger: await otherOrganization(runtime) };
}

const DAY_MS = 86_400_000;

/** Whole UTC days from the day of `from` to the day of `to`, both included. */
export const utcDaysInclusive = (from: string, to: string): number =>
  Math.round((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / DAY_MS) + 1;

/** Half-up to a whole cent, as every amount the contract tests compute is rounded. */
export const cents = (value: number): number => Math.floor(value + 0.5);

/** An ISO instant `days` (may be fractional or negative) from `instant`. */
export const daysFrom = (instant: string, days: number): string =>
  new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/** The first instant (UTC) of the month `monthsFrom` months from the month of `instant`. */
export function utcMonthStart(instant: string, monthsFrom = 0): string {
  const date = new Date(instant);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthsFrom, 1)).toISOString();
}
