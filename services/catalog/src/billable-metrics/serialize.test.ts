import { describe, expect, it } from "vitest";
import { requestsMetric } from "#shared/serializers/test-fixtures.js";
import { serializeBillableMetric } from "./serialize.js";

describe("billable metric serializer", () => {
  it("shows every field of Lago's metric, nils as null", () => {
    expect(serializeBillableMetric(requestsMetric)).toEqual({
      lago_id: requestsMetric.id,
      name: "Requests",
      code: "requests",
      description: "API requests",
      aggregation_type: "sum_agg",
      weighted_interval: null,
      recurring: false,
      rounding_function: null,
      rounding_precision: null,
      created_at: requestsMetric.createdAt,
      field_name: "count",
      expression: null,
      filters: [
        { key: "region", values: ["eu", "us"] },
        { key: "tier", values: ["gold", "silver"] },
      ],
    });
  });
});
