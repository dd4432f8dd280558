/**
 * The catalog past its documented limits (docs/limits.md) and with the inputs that used to answer
 * 500 or leave half-written changes: each answers a 4xx in Lago's shape and leaves every table
 * exactly as it was. Multi-item changes are written all or nothing, even when another request
 * changes one of their items in between.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogDeps } from "../../services/catalog/src/catalog-deps.js";
import { deleteCustomer } from "../../services/catalog/src/customers/customer-routes.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createSubscription } from "../../services/catalog/src/subscriptions/subscription-routes.js";
import type { Organization } from "../../shared/src/domain/catalog.js";
import type { ApiRequest } from "../../shared/src/platform/http/api-handler.js";
import {
  CatalogStore,
  type CatalogWrite,
  ConcurrentChangeError,
} from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";
import { scanTables } from "../support/stored-state.js";

let aws: AwsHarness;
let seeded: SeededCatalog;

/** The API's clock for every request here; the seeded subscription started on 2026-01-01. */
const AT = "2026-01-15T00:00:00.000Z";

beforeAll(async () => {
  aws = await startAwsHarness();
  seeded = await seedCatalog({ subscriptionAt: "2026-01-01T00:00:00Z" });
});
afterAll(() => aws.stop());

type Answer = { status: number; body: Record<string, unknown> };

const call = (routeKey: string, body?: unknown, params?: Record<string, string>): Promise<Answer> =>
  invoke(catalogApi, routeKey, { apiKey: seeded.apiKey, body, params, at: AT });

/** A refusal: a 4xx in Lago's error shape, and not one item changed in any table. */
async function refused(routeKey: string, body: unknown, params?: Record<string, string>): Promise<Answer> {
  const before = await scanTables();
  const answer = await call(routeKey, body, params);
  expect(
    answer.status,
    `${routeKey} answered ${JSON.stringify(answer.body).slice(0, 300)}`,
  ).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.body.status).toBe(answer.status);
  expect(typeof answer.body.error).toBe("string");
  expect(await scanTables()).toEqual(before);
  return answer;
}

const unprocessable = (details: Record<string, string[]>) => ({
  status: 422,
  error: "Unprocessable Entity",
  code: "validation_errors",
  error_details: details,
});

const plan = (fields: Record<string, unknown> = {}) => ({
  plan: {
    name: "Big",
    code: "big",
    interval: "monthly",
    amount_cents: 100,
    amount_currency: "EUR",
    ...fields,
  },
});

/** A valid graduated ladder of `count` ranges. */
const graduatedRanges = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    from_value: i,
    to_value: i === count - 1 ? null : i + 1,
    per_unit_amount: "0.0001",
    flat_amount: "0",
  }));

const graduatedCharge = (ranges: number) => ({
  billable_metric_code: "usage",
  charge_model: "graduated",
  properties: { graduated_ranges: graduatedRanges(ranges) },
});

const subscribe = (fields: Record<string, unknown>) => ({
  subscription: { external_customer_id: "cus_new", plan_code: "pro", external_id: "sub_new", ...fields },
});

describe("the inputs that answered 500 or half-wrote a change", () => {
  it("a 6 MB name is refused before anything is read or written", async () => {
    const huge = "x".repeat(6 * 1024 * 1024);
    const answer = await refused("POST /api/v1/plans", plan({ name: huge }));
    expect([413, 422]).toContain(answer.status);
    await refused("POST /api/v1/customers", { customer: { external_id: "cus_huge", name: huge } });
  });

  it("10,000 graduated ranges: too_many_ranges", async () => {
    const answer = await refused("POST /api/v1/plans", plan({ charges: [graduatedCharge(10_000)] }));
    expect(answer.body).toEqual(
      unprocessable({ "charges.0.properties.graduated_ranges": ["too_many_ranges"] }),
    );
  });

  it("trial_period 1e308: value_is_out_of_range", async () => {
    const answer = await refused("POST /api/v1/plans", plan({ trial_period: 1e308 }));
    expect(answer.body).toEqual(unprocessable({ trial_period: ["value_is_out_of_range"] }));
  });

  it("subscription_at +275760-09-13 or 0001-01-01: invalid_date, and the unknown customer is not created", async () => {
    for (const subscriptionAt of ["+275760-09-13T00:00:00Z", "0001-01-01T00:00:00Z"]) {
      const answer = await refused(
        "POST /api/v1/subscriptions",
        subscribe({ subscription_at: subscriptionAt }),
      );
      expect(answer.body).toEqual(unprocessable({ subscription_at: ["invalid_date"] }));
    }
    expect(
      (
        await call("GET /api/v1/customers/{external_customer_id}", undefined, {
          external_customer_id: "cus_new",
        })
      ).status,
    ).toBe(404);
  });

  it("an existing customer is not changed either (its currency stays unset)", async () => {
    expect((await call("POST /api/v1/customers", { customer: { external_id: "cus_bare" } })).status).toBe(
      200,
    );
    await refused(
      "POST /api/v1/subscriptions",
      subscribe({ external_customer_id: "cus_bare", subscription_at: "+275760-09-13T00:00:00Z" }),
    );
    const customer = await call("GET /api/v1/customers/{external_customer_id}", undefined, {
      external_customer_id: "cus_bare",
    });
    expect((customer.body.customer as { currency: string | null }).currency).toBeNull();
  });

  it("ending_at before subscription_at, or not after today: invalid_date", async () => {
    const before = await refused(
      "POST /api/v1/subscriptions",
      subscribe({ subscription_at: "2026-03-01T00:00:00Z", ending_at: "2026-02-01T00:00:00Z" }),
    );
    expect(before.body).toEqual(unprocessable({ ending_at: ["invalid_date"] }));
    const sameDay = await refused(
      "POST /api/v1/subscriptions",
      subscribe({ subscription_at: "2026-03-01T00:00:00Z", ending_at: "2026-03-01T18:00:00Z" }),
    );
    expect(sameDay.body).toEqual(unprocessable({ ending_at: ["invalid_date"] }));
    const past = await refused(
      "PUT /api/v1/subscriptions/{external_id}",
      { subscription: { ending_at: "2026-01-10T00:00:00Z" } },
      { external_id: seeded.externalSubscriptionId },
    );
    expect(past.body).toEqual(unprocessable({ ending_at: ["invalid_date"] }));
  });

  it("2026-02-30 is refused, not read as March 2", async () => {
    const start = await refused(
      "POST /api/v1/subscriptions",
      subscribe({ subscription_at: "2026-02-30T00:00:00Z" }),
    );
    expect(start.body).toEqual(unprocessable({ subscription_at: ["invalid_date"] }));
    const end = await refused(
      "PUT /api/v1/subscriptions/{external_id}",
      { subscription: { ending_at: "2026-02-30" } },
      { external_id: seeded.externalSubscriptionId },
    );
    expect(end.body).toEqual(unprocessable({ ending_at: ["invalid_date"] }));
  });
});

describe("documented limits", () => {
  it("codes, external ids and free text", async () => {
    const long = (n: number) => "a".repeat(n);
    expect(
      (
        await refused("POST /api/v1/billable_metrics", {
          billable_metric: { name: "M", code: long(256), aggregation_type: "count_agg" },
        })
      ).body,
    ).toEqual(unprocessable({ code: ["value_is_too_long"] }));
    expect(
      (await refused("POST /api/v1/customers", { customer: { external_id: "c", name: long(256) } })).body,
    ).toEqual(unprocessable({ name: ["value_is_too_long"] }));
    expect((await refused("POST /api/v1/customers", { customer: { external_id: long(256) } })).body).toEqual(
      unprocessable({ external_id: ["value_is_too_long"] }),
    );
    expect(
      (
        await refused("POST /api/v1/taxes", {
          tax: { name: "T", code: "t", rate: "1", description: long(2001) },
        })
      ).body,
    ).toEqual(unprocessable({ description: ["value_is_too_long"] }));
    expect(
      (await refused("PUT /api/v1/organizations", { organization: { address_line1: long(256) } })).body,
    ).toEqual(unprocessable({ address_line1: ["value_is_too_long"] }));
    expect(
      (
        await refused("POST /api/v1/webhook_endpoints", {
          webhook_endpoint: { webhook_url: `https://example.test/${long(2048)}` },
        })
      ).body,
    ).toEqual(unprocessable({ webhook_url: ["value_is_too_long"] }));
    expect((await refused("POST /api/v1/subscriptions", subscribe({ external_id: long(256) }))).body).toEqual(
      unprocessable({ external_id: ["value_is_too_long"] }),
    );
  });

  it("counts of charges, filters, filter values, tax codes and event types", async () => {
    const charges = Array.from({ length: 101 }, () => ({
      billable_metric_code: "usage",
      charge_model: "standard",
      properties: { amount: "1" },
    }));
    expect((await refused("POST /api/v1/plans", plan({ charges }))).body).toEqual(
      unprocessable({ charges: ["too_many_charges"] }),
    );
    const codes = Array.from({ length: 51 }, (_, i) => `tax_${i}`);
    expect((await refused("POST /api/v1/plans", plan({ tax_codes: codes }))).body).toEqual(
      unprocessable({ tax_codes: ["too_many_tax_codes"] }),
    );
    const values = Array.from({ length: 1001 }, (_, i) => `v${i}`);
    expect(
      (
        await refused("POST /api/v1/billable_metrics", {
          billable_metric: {
            name: "M",
            code: "m",
            aggregation_type: "count_agg",
            filters: [{ key: "k", values }],
          },
        })
      ).body,
    ).toEqual(unprocessable({ "filters.0.values": ["too_many_values"] }));
    const types = Array.from({ length: 101 }, (_, i) => `type.${i}`);
    expect(
      (
        await refused("POST /api/v1/webhook_endpoints", {
          webhook_endpoint: { webhook_url: "https://example.test/hook", event_types: types },
        })
      ).body,
    ).toEqual(unprocessable({ event_types: ["too_many_event_types"] }));
  });

  it("numbers: safe, non-negative amounts and bounded day counts", async () => {
    for (const [fields, field] of [
      [{ amount_cents: 2 ** 53 }, "amount_cents"],
      [{ amount_cents: -1 }, "amount_cents"],
      [{ trial_period: 36_501 }, "trial_period"],
      [{ trial_period: -1 }, "trial_period"],
    ] as const) {
      expect((await refused("POST /api/v1/plans", plan(fields))).body).toEqual(
        unprocessable({ [field]: ["value_is_out_of_range"] }),
      );
    }
    expect(
      (await refused("POST /api/v1/customers", { customer: { external_id: "c", net_payment_term: 36_501 } }))
        .body,
    ).toEqual(unprocessable({ net_payment_term: ["value_is_out_of_range"] }));
    expect(
      (
        await refused("PUT /api/v1/organizations", {
          organization: { billing_configuration: { invoice_grace_period: 366 } },
        })
      ).body,
    ).toEqual(unprocessable({ "billing_configuration.invoice_grace_period": ["value_is_out_of_range"] }));
    const price = (amount: string) =>
      plan({
        charges: [{ billable_metric_code: "usage", charge_model: "standard", properties: { amount } }],
      });
    expect((await refused("POST /api/v1/plans", price("1e308"))).body).toEqual(
      unprocessable({ "charges.0.properties.amount": ["value_is_out_of_range"] }),
    );
    expect((await refused("POST /api/v1/plans", price(`0.${"1".repeat(60)}`))).body).toEqual(
      unprocessable({ "charges.0.properties.amount": ["value_is_too_long"] }),
    );
  });

  it("a plan within every field limit but past DynamoDB's item size: 422, nothing stored", async () => {
    // 100 charges of 100 ranges each: under 1 MiB of JSON, over 400 KB as one item.
    const charges = Array.from({ length: 100 }, () => graduatedCharge(100));
    const answer = await refused("POST /api/v1/plans", plan({ charges }));
    expect(answer.body).toEqual(unprocessable({ plan: ["value_is_too_long"] }));
    expect((await call("GET /api/v1/plans/{code}", undefined, { code: "big" })).status).toBe(404);
  });
});

describe("multi-item changes, all or nothing", () => {
  const organization = async (): Promise<Organization> =>
    (await new OrganizationStore().get(seeded.organizationId)) as Organization;

  const request = async (body: unknown, params: Record<string, string> = {}): Promise<ApiRequest> => ({
    organization: await organization(),
    params,
    query: new URLSearchParams(),
    body,
    receivedAt: AT,
    exactNumbers: false,
  });

  /** A store whose first change meets `interfere`, another request landing just before it. */
  function interferedDeps(interfere: () => Promise<void>): {
    deps: CatalogDeps;
    stateAfterInterference: () => string[];
  } {
    let pending: (() => Promise<void>) | null = interfere;
    let state: string[] = [];
    class InterferedStore extends CatalogStore {
      override async write(writes: readonly CatalogWrite[]): Promise<void> {
        const first = pending;
        pending = null;
        if (first) {
          await first();
          state = await scanTables();
        }
        return super.write(writes);
      }
    }
    return {
      deps: {
        catalog: new InterferedStore(),
        organizations: new OrganizationStore(),
        notifyInvoicing: async () => {},
        publish: async () => {},
        requestProviderCustomers: async () => {},
      },
      stateAfterInterference: () => state,
    };
  }

  it("a subscription whose external id is taken in between creates neither it nor its customer", async () => {
    const { deps, stateAfterInterference } = interferedDeps(async () => {
      const taken = await call("POST /api/v1/subscriptions", {
        subscription: {
          external_customer_id: seeded.externalCustomerId,
          plan_code: "pro",
          external_id: "sub_race",
        },
      });
      expect(taken.status).toBe(200);
    });
    const body = {
      subscription: { external_customer_id: "cus_race", plan_code: "pro", external_id: "sub_race" },
    };
    await expect(createSubscription(await request(body), deps)).rejects.toBeInstanceOf(ConcurrentChangeError);
    expect(await scanTables()).toEqual(stateAfterInterference());
    // Made again (the API does so by itself), it is refused: the external id is someone else's.
    expect((await refused("POST /api/v1/subscriptions", body)).body).toEqual(
      unprocessable({ external_id: ["value_already_exist"] }),
    );
  });

  it("deleting a customer whose subscription changes in between ends nothing and deletes nothing", async () => {
    for (const id of ["sub_del_1", "sub_del_2"]) {
      const created = await call("POST /api/v1/subscriptions", {
        subscription: { external_customer_id: "cus_del", plan_code: "pro", external_id: id },
      });
      expect(created.status).toBe(200);
    }
    const { deps, stateAfterInterference } = interferedDeps(async () => {
      const renamed = await call(
        "PUT /api/v1/subscriptions/{external_id}",
        { subscription: { name: "Renamed" } },
        { external_id: "sub_del_2" },
      );
      expect(renamed.status).toBe(200);
    });
    const params = { external_customer_id: "cus_del" };
    await expect(deleteCustomer(await request(undefined, params), deps)).rejects.toBeInstanceOf(
      ConcurrentChangeError,
    );
    expect(await scanTables()).toEqual(stateAfterInterference());

    // Through the API it simply succeeds: both subscriptions end, the customer goes.
    expect((await call("DELETE /api/v1/customers/{external_customer_id}", undefined, params)).status).toBe(
      200,
    );
    for (const id of ["sub_del_1", "sub_del_2"]) {
      const subscription = await call("GET /api/v1/subscriptions/{external_id}", undefined, {
        external_id: id,
      });
      expect((subscription.body.subscription as { status: string }).status).toBe("terminated");
    }
  });

  it("deleting a plan with more subscriptions than one transaction holds ends them all, then the plan", async () => {
    const created = await call("POST /api/v1/plans", {
      plan: { name: "Bulk", code: "bulk", interval: "monthly", amount_cents: 100, amount_currency: "EUR" },
    });
    expect(created.status).toBe(200);
    const ids = Array.from({ length: 100 }, (_, i) => `sub_bulk_${i}`);
    // One at a time: moto_server's transactions are not safe against concurrent writes.
    for (const id of ids) {
      const answer = await call("POST /api/v1/subscriptions", {
        subscription: { external_customer_id: "cus_bulk", plan_code: "bulk", external_id: id },
      });
      expect(answer.status).toBe(200);
    }
    expect((await call("DELETE /api/v1/plans/{code}", undefined, { code: "bulk" })).status).toBe(200);
    expect((await call("GET /api/v1/plans/{code}", undefined, { code: "bulk" })).status).toBe(404);
    const statuses = await Promise.all(
      ids.map(async (id) => {
        const answer = await call("GET /api/v1/subscriptions/{external_id}", undefined, { external_id: id });
        return `${answer.status} ${(answer.body.subscription as { status: string } | undefined)?.status}`;
      }),
    );
    expect(new Set(statuses)).toEqual(new Set(["200 terminated"]));
    // Each of the 100 creations and endings publishes its event on the bus, whose rule feeds the
    // webhooks queue no one drains here (moto's sends slow as a queue fills).
  }, 240_000);
});
