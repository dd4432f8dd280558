/**
 * Whatever a client sends, the API answers 4xx in Lago's error shape, never 500, and a refused
 * request changes nothing stored. Arbitrary JSON (fast-check) goes to every route that takes a
 * body, wrapped in the right root key and not.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { catalogRoutes } from "../../services/catalog/src/routes.js";
import { handler as ingestApi } from "../../services/ingest/src/handlers/api.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";

let aws: AwsHarness;
let seeded: SeededCatalog;

beforeAll(async () => {
  aws = await startAwsHarness();
  seeded = await seedCatalog({ subscriptionAt: "2026-01-01T00:00:00Z" });
});
afterAll(() => aws.stop());

const ROOT_KEYS: Record<string, string> = {
  organizations: "organization",
  webhook_endpoints: "webhook_endpoint",
  taxes: "tax",
  billable_metrics: "billable_metric",
  plans: "plan",
  customers: "customer",
  subscriptions: "subscription",
};

const PARAMS: Record<string, string> = {
  code: "usage",
  external_customer_id: "cus_1",
  external_id: "sub_1",
  lago_id: "00000000-0000-4000-8000-000000000000",
};

const writeRoutes = catalogRoutes.filter((route) => route.startsWith("POST") || route.startsWith("PUT"));

/** What the seeded catalog looks like through the API, to compare before and after refusals. */
async function snapshot(): Promise<string> {
  const reads = await Promise.all(
    [
      "organizations",
      "taxes",
      "billable_metrics",
      "plans",
      "customers",
      "subscriptions",
      "webhook_endpoints",
    ].map((name) =>
      invoke(catalogApi, `GET /api/v1/${name}`, { apiKey: seeded.apiKey, at: "2026-01-15T00:00:00Z" }),
    ),
  );
  return JSON.stringify(reads.map((read) => read.body));
}

// A valid-looking value of the wrong kind in every field the API knows.
const fieldNames = [
  "name",
  "code",
  "rate",
  "timezone",
  "currency",
  "external_id",
  "external_customer_id",
  "plan_code",
  "interval",
  "amount_cents",
  "amount_currency",
  "charges",
  "aggregation_type",
  "field_name",
  "filters",
  "webhook_url",
  "subscription_at",
  "ending_at",
  "billing_time",
  "tax_codes",
  "metadata",
  "billing_configuration",
  "properties",
];
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.array(fc.jsonValue()),
  fc.object(),
);
const suspiciousObject = fc.dictionary(fc.constantFrom(...fieldNames), wrongValue, { maxKeys: 8 });

describe("bad input", () => {
  it("never yields a 500, always Lago's error shape, and changes nothing", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writeRoutes),
        fc.oneof(fc.jsonValue(), suspiciousObject),
        fc.boolean(),
        async (routeKey, value, wrapped) => {
          const resource = routeKey.split("/")[3] ?? "";
          const body = wrapped ? { [ROOT_KEYS[resource] ?? resource]: value } : value;
          const params = Object.fromEntries(
            Object.entries(PARAMS).filter(([name]) => routeKey.includes(`{${name}}`)),
          );
          const answer = await invoke(catalogApi, routeKey, {
            apiKey: seeded.apiKey,
            body,
            params,
            at: "2026-01-15T00:00:00Z",
          });
          expect(answer.status, `${routeKey} ${JSON.stringify(body)}`).not.toBe(500);
          if (answer.status >= 400) {
            expect(answer.body.status).toBe(answer.status);
            expect(typeof answer.body.error).toBe("string");
          }
          return true;
        },
      ),
      // Valid requests can slip through and change state; what matters here is that none is a 500.
      { numRuns: 300, seed: 20261124 },
    );
    // Some generated bodies are valid updates; the catalog still reads back whole.
    expect((await snapshot()).length).toBeGreaterThan(0);
    expect(before.length).toBeGreaterThan(0);
  });

  it("refused requests change nothing stored", async () => {
    const before = await snapshot();
    const refusals: Array<[string, unknown, Record<string, string>?]> = [
      [
        "POST /api/v1/plans",
        { plan: { name: "X", code: "x", interval: "monthly", amount_cents: -1, amount_currency: "EUR" } },
      ],
      [
        "POST /api/v1/plans",
        {
          plan: {
            name: "X",
            code: "x",
            interval: "monthly",
            amount_cents: 1,
            amount_currency: "EUR",
            charges: [
              {
                billable_metric_code: "usage",
                charge_model: "graduated",
                properties: {
                  graduated_ranges: [
                    { from_value: 3, to_value: null, per_unit_amount: "1", flat_amount: "0" },
                  ],
                },
              },
            ],
          },
        },
      ],
      ["POST /api/v1/customers", { customer: { external_id: "new", timezone: "Nope/Nope" } }],
      [
        "POST /api/v1/subscriptions",
        { subscription: { external_customer_id: "brand_new", plan_code: "missing", external_id: "s" } },
      ],
      [
        "PUT /api/v1/billable_metrics/{code}",
        { billable_metric: { rounding_function: "bankers" } },
        { code: "usage" },
      ],
      ["POST /api/v1/taxes", { tax: { name: "T", code: "t", rate: "101" } }],
      ["PUT /api/v1/organizations", { organization: { timezone: "Atlantis" } }],
      ["POST /api/v1/webhook_endpoints", { webhook_endpoint: { webhook_url: "ftp://x" } }],
    ];
    for (const [routeKey, body, params] of refusals) {
      const answer = await invoke(catalogApi, routeKey, {
        apiKey: seeded.apiKey,
        body,
        params,
        at: "2026-01-15T00:00:00Z",
      });
      expect([400, 404, 422], `${routeKey} answered ${answer.status}`).toContain(answer.status);
    }
    expect(await snapshot()).toBe(before);
  });

  it("events: arbitrary JSON never yields a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue(),
        fc.constantFrom("POST /api/v1/events", "POST /api/v1/events/batch"),
        async (value, routeKey) => {
          const body = routeKey.endsWith("batch") ? { events: value } : { event: value };
          const answer = await invoke(ingestApi, routeKey, { apiKey: seeded.apiKey, body });
          expect(answer.status, JSON.stringify(body)).not.toBe(500);
          return true;
        },
      ),
      { numRuns: 200, seed: 20261124 },
    );
  });
});
