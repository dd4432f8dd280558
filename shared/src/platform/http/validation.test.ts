import { describe, expect, it } from "vitest";
import { z } from "zod";
import { LagoHttpError } from "./errors.js";
import { paginationMeta } from "./pagination.js";
import { parseOrReject } from "./validation.js";

describe("zod issues in Lago's error_details", () => {
  const schema = z.object({
    code: z.string(),
    timezone: z.string().refine((zone) => zone !== "Mars/Olympus", { message: "invalid_timezone" }),
    amount: z.number().int(),
    nested: z.object({ value: z.string() }).optional(),
  });

  it("maps missing values, Lago codes and other failures, keyed by field path", () => {
    try {
      parseOrReject(schema, { timezone: "Mars/Olympus", amount: 1.5, nested: { value: 3 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LagoHttpError);
      expect((error as LagoHttpError).status).toBe(422);
      expect((error as LagoHttpError).body).toEqual({
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: {
          code: ["value_is_mandatory"],
          timezone: ["invalid_timezone"],
          amount: ["invalid_value"],
          "nested.value": ["invalid_value"],
        },
      });
    }
  });

  it("returns the parsed value when valid", () => {
    expect(parseOrReject(schema, { code: "c", timezone: "UTC", amount: 2 })).toEqual({
      code: "c",
      timezone: "UTC",
      amount: 2,
    });
  });
});

describe("pagination meta", () => {
  it("follows Lago: pages from 1, and zeros when there is nothing", () => {
    expect(paginationMeta(0, { page: 1, perPage: 100 })).toEqual({
      current_page: 0,
      next_page: null,
      prev_page: null,
      total_pages: 0,
      total_count: 0,
    });
    expect(paginationMeta(250, { page: 2, perPage: 100 })).toEqual({
      current_page: 2,
      next_page: 3,
      prev_page: 1,
      total_pages: 3,
      total_count: 250,
    });
  });
});
