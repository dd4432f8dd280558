import type { z } from "zod";
import { type ErrorDetails, validationFailed } from "./errors.js";

/**
 * Lago error codes used in `error_details`. Schemas put one of these in an issue's message
 * (`z.string().refine(isZone, { message: "invalid_timezone" })`); any other message is mapped to
 * `value_is_mandatory` for a missing value or `invalid_value` otherwise.
 */
const LAGO_CODE = /^[a-z][a-z0-9_]*$/;

function codeOf(issue: z.core.$ZodIssue): string {
  const missing = issue.input === undefined || issue.input === null;
  if (missing && (issue.code === "invalid_type" || issue.code === "invalid_union"))
    return "value_is_mandatory";
  if (LAGO_CODE.test(issue.message)) return issue.message;
  return "invalid_value";
}

/** Joins a zod path the way Lago names nested fields: `charges.0.properties.amount`. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "base" : path.map(String).join(".");
}

export function toErrorDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetails {
  const details: Record<string, string[]> = {};
  for (const issue of issues) {
    // A union reports one issue for the whole value; its branches' issues say what was wrong.
    const field = fieldOf(issue.path);
    const code = codeOf(issue);
    const codes = details[field] ?? [];
    if (!codes.includes(code)) codes.push(code);
    details[field] = codes;
  }
  return details;
}

/**
 * Parses `input` with `schema`, or describes why not. Inputs are parsed without zod's
 * `reportInput` (several times faster); only a rejected input is parsed again with it, to tell a
 * missing value from a wrong one.
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
): { success: true; data: z.output<T> } | { success: false; errorDetails: ErrorDetails } {
  const result = schema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  const explained = schema.safeParse(input, { reportInput: true });
  return { success: false, errorDetails: toErrorDetails((explained.error ?? result.error).issues) };
}

/** Parses `input` with `schema`, or throws Lago's 422 `validation_errors` naming each bad field. */
export function parseOrReject<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = parseInput(schema, input);
  if (!result.success) throw validationFailed(result.errorDetails);
  return result.data;
}
