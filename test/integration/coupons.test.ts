/**
 * The coupons and applied coupons APIs on moto: Lago's CRUD and its validation errors (nothing
 * stored on a refusal), applications with Lago's checks and overrides, a coupon that is not
 * reusable applied once under concurrent requests, what may change once a coupon is applied, and
 * a deleted coupon's applications terminated.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";
import { scanTables } from "../support/stored-state.js";

let aws: AwsHarness;
let acme: SeededCatalog;
let other: SeededCatalog;
const AT = "2026-03-10T09:00:00.000Z";
const LATER = "2026-03-11T09:00:00.000Z";

beforeAll(async () => {
  aws = await startAwsHarness();
  acme = await seedCatalog({ subscriptionAt: "2026-03-01T00:00:00Z" });
  other = await seedCatalog({ name: "Other", subscriptionAt: "2026-03-01T00:00:00Z" });
});
afterAll(() => aws.stop());

type Answer = { status: number; body: Record<string, unknown> };
interface CallOptions {
  params?: Record<string, string>;
  query?: string;
  apiKey?: string;
  at?: string;
}
const call = (routeKey: string, body?: unknown, options: CallOptions = {}): Promise<Answer> =>
  invoke(catalogApi, routeKey, {
    apiKey: options.apiKey ?? acme.apiKey,
    body,
    params: options.params,
    query: options.query,
    at: options.at ?? AT,
  });

async function succeeded(routeKey: string, body?: unknown, options?: CallOptions) {
  const answer = await call(routeKey, body, options);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

async function refused(routeKey: string, body: unknown, options?: CallOptions): Promise<Answer> {
  const before = await scanTables();
  const answer = await call(routeKey, body, options);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(await scanTables()).toEqual(before);
  return answer;
}

const validation = (details: Record<string, string[]>) => ({
  status: 422,
  body: { status: 422, error: "Unprocessable Entity", code: "validation_errors", error_details: details },
});
const notFound = (resource: string) => ({
  status: 404,
  body: { status: 404, error: "Not Found", code: `${resource}_not_found` },
});
const notAllowed = (code: string) => ({
  status: 405,
  body: { status: 405, error: "Method Not Allowed", code },
});

const fixed = (code: string, over: Record<string, unknown> = {}) => ({
  coupon: {
    name: `Coupon ${code}`,
    code,
    coupon_type: "fixed_amount",
    amount_cents: 2_500,
    amount_currency: "EUR",
    frequency: "once",
    expiration: "no_expiration",
    ...over,
  },
});
const percentage = (code: string, over: Record<string, unknown> = {}) =>
  fixed(code, {
    coupon_type: "percentage",
    amount_cents: undefined,
    amount_currency: undefined,
    percentage_rate: "10",
    ...over,
  });

const apply = (couponCode: string, externalCustomerId = acme.externalCustomerId, over = {}) => ({
  applied_coupon: { external_customer_id: externalCustomerId, coupon_code: couponCode, ...over },
});

async function newCustomer(externalId: string, currency?: string) {
  await succeeded("POST /api/v1/customers", {
    customer: { external_id: externalId, name: externalId, currency },
  });
}

describe("coupons", () => {
  it("creates, shows, lists, updates and deletes a coupon as Lago does", async () => {
    const created = await succeeded(
      "POST /api/v1/coupons",
      fixed("welcome", {
        description: "First month",
        expiration: "time_limit",
        expiration_at: "2026-12-31T23:59:59Z",
      }),
    );
    const coupon = created.coupon as Record<string, unknown>;
    expect(coupon).toEqual({
      lago_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "Coupon welcome",
      code: "welcome",
      description: "First month",
      coupon_type: "fixed_amount",
      amount_cents: 2_500,
      amount_currency: "EUR",
      percentage_rate: null,
      frequency: "once",
      frequency_duration: null,
      reusable: true,
      limited_plans: false,
      plan_codes: [],
      limited_billable_metrics: false,
      billable_metric_codes: [],
      created_at: AT,
      expiration: "time_limit",
      expiration_at: "2026-12-31T23:59:59.000Z",
      terminated_at: null,
    });
    expect(await call("GET /api/v1/coupons/{code}", undefined, { params: { code: "welcome" } })).toEqual({
      status: 200,
      body: created,
    });

    const rate = await succeeded(
      "POST /api/v1/coupons",
      percentage("tenth", { frequency: "recurring", frequency_duration: 3, reusable: false }),
    );
    expect(rate.coupon).toMatchObject({
      coupon_type: "percentage",
      percentage_rate: "10.0",
      amount_cents: null,
      amount_currency: null,
      frequency: "recurring",
      frequency_duration: 3,
      reusable: false,
    });

    // Lago's order: coupons that never expire before those with a time limit.
    const listed = await succeeded("GET /api/v1/coupons", undefined, { query: "per_page=1&page=1" });
    expect(listed.meta).toMatchObject({ current_page: 1, total_pages: 2, total_count: 2 });
    expect((listed.coupons as { code: string }[]).map((c) => c.code)).toEqual(["tenth"]);

    // Not applied yet: every field may change, the code too.
    const renamed = await succeeded(
      "PUT /api/v1/coupons/{code}",
      { coupon: { code: "hello", amount_cents: 3_000, reusable: false, frequency: "forever" } },
      { params: { code: "welcome" } },
    );
    expect(renamed.coupon).toMatchObject({
      lago_id: coupon.lago_id,
      code: "hello",
      amount_cents: 3_000,
      reusable: false,
      frequency: "forever",
      description: "First month",
    });
    expect(await call("GET /api/v1/coupons/{code}", undefined, { params: { code: "welcome" } })).toEqual(
      notFound("coupon"),
    );

    const deleted = await succeeded("DELETE /api/v1/coupons/{code}", undefined, {
      params: { code: "hello" },
    });
    expect(deleted.coupon).toMatchObject({ lago_id: coupon.lago_id, code: "hello" });
    expect(await call("GET /api/v1/coupons/{code}", undefined, { params: { code: "hello" } })).toEqual(
      notFound("coupon"),
    );
    expect(await call("DELETE /api/v1/coupons/{code}", undefined, { params: { code: "hello" } })).toEqual(
      notFound("coupon"),
    );
    // Its code is free again.
    await succeeded("POST /api/v1/coupons", fixed("hello"));
  });

  it("refuses bad coupons with Lago's errors and stores nothing", async () => {
    await succeeded("POST /api/v1/coupons", fixed("taken"));
    expect(await refused("POST /api/v1/coupons", fixed("taken"))).toEqual(
      validation({ code: ["value_already_exist"] }),
    );
    expect(await refused("POST /api/v1/coupons", fixed("x", { name: "" }))).toEqual(
      validation({ name: ["value_is_mandatory"] }),
    );
    expect(await refused("POST /api/v1/coupons", fixed("x", { coupon_type: "free_lunch" }))).toEqual(
      validation({ coupon_type: ["value_is_invalid"] }),
    );
    expect(
      await refused("POST /api/v1/coupons", fixed("x", { frequency: undefined, expiration: "sometimes" })),
    ).toEqual(validation({ frequency: ["value_is_invalid"], expiration: ["value_is_invalid"] }));
    expect(
      await refused("POST /api/v1/coupons", fixed("x", { amount_cents: undefined, amount_currency: null })),
    ).toEqual(validation({ amount_cents: ["value_is_mandatory"], amount_currency: ["value_is_mandatory"] }));
    expect(await refused("POST /api/v1/coupons", fixed("x", { amount_cents: 0 }))).toEqual(
      validation({ amount_cents: ["value_is_out_of_range"] }),
    );
    expect(await refused("POST /api/v1/coupons", fixed("x", { amount_currency: "ZZZ" }))).toEqual(
      validation({ amount_currency: ["value_is_invalid"] }),
    );
    expect(await refused("POST /api/v1/coupons", percentage("x", { percentage_rate: undefined }))).toEqual(
      validation({ percentage_rate: ["value_is_mandatory"] }),
    );
    expect(await refused("POST /api/v1/coupons", percentage("x", { percentage_rate: "ten" }))).toEqual(
      validation({ percentage_rate: ["value_is_invalid"] }),
    );
    expect(await refused("POST /api/v1/coupons", fixed("x", { frequency: "recurring" }))).toEqual(
      validation({ frequency_duration: ["value_is_mandatory"] }),
    );
    expect(
      await refused("POST /api/v1/coupons", fixed("x", { frequency: "recurring", frequency_duration: 0 })),
    ).toEqual(validation({ frequency_duration: ["value_is_out_of_range"] }));
    // An expiration date must be valid and still to come when the request is received.
    for (const expirationAt of ["2026-03-10T08:59:59Z", "2026-02-30", "next week"])
      expect(
        await refused(
          "POST /api/v1/coupons",
          fixed("x", { expiration: "time_limit", expiration_at: expirationAt }),
        ),
      ).toEqual(validation({ expiration_at: ["invalid_date"] }));
    // Lago's API reference requires the date of a time limit.
    expect(await refused("POST /api/v1/coupons", fixed("x", { expiration: "time_limit" }))).toEqual(
      validation({ expiration_at: ["value_is_mandatory"] }),
    );
    expect(
      await refused(
        "PUT /api/v1/coupons/{code}",
        { coupon: { expiration: "time_limit" } },
        { params: { code: "taken" } },
      ),
    ).toEqual(validation({ expiration_at: ["value_is_mandatory"] }));
    expect(
      await refused("POST /api/v1/coupons", fixed("x", { applies_to: { plan_codes: ["pro", "nope"] } })),
    ).toEqual(notFound("plans"));
    expect(
      await refused("POST /api/v1/coupons", fixed("x", { applies_to: { billable_metric_codes: ["nope"] } })),
    ).toEqual(notFound("billable_metrics"));
    expect(
      await refused("POST /api/v1/coupons", {
        ...fixed("x", { applies_to: { plan_codes: ["pro"], billable_metric_codes: ["usage"] } }),
      }),
    ).toEqual(notAllowed("only_one_limitation_type_per_coupon_allowed"));
    expect((await refused("POST /api/v1/coupons", { coupon: {} })).status).toBe(400);
    // An update switching to a percentage must send its rate.
    expect(
      await refused(
        "PUT /api/v1/coupons/{code}",
        { coupon: { coupon_type: "percentage" } },
        { params: { code: "taken" } },
      ),
    ).toEqual(validation({ percentage_rate: ["value_is_mandatory"] }));
    expect(
      await refused("PUT /api/v1/coupons/{code}", { coupon: { name: "x" } }, { params: { code: "nope" } }),
    ).toEqual(notFound("coupon"));
  });

  it("limits a coupon to plans or metrics by code, following renames", async () => {
    const onPlan = await succeeded(
      "POST /api/v1/coupons",
      fixed("pro_only", { applies_to: { plan_codes: ["pro"] } }),
    );
    expect(onPlan.coupon).toMatchObject({
      limited_plans: true,
      plan_codes: ["pro"],
      limited_billable_metrics: false,
    });
    // A metric limit sent alone replaces the plan limit, as in Lago.
    await succeeded("POST /api/v1/billable_metrics", {
      billable_metric: { name: "Seats", code: "seats", aggregation_type: "count_agg" },
    });
    const onMetric = await succeeded(
      "PUT /api/v1/coupons/{code}",
      { coupon: { applies_to: { billable_metric_codes: ["seats"] } } },
      { params: { code: "pro_only" } },
    );
    expect(onMetric.coupon).toMatchObject({
      limited_plans: false,
      plan_codes: [],
      limited_billable_metrics: true,
      billable_metric_codes: ["seats"],
    });
    await succeeded(
      "PUT /api/v1/billable_metrics/{code}",
      { billable_metric: { code: "users" } },
      { params: { code: "seats" } },
    );
    const shown = await succeeded("GET /api/v1/coupons/{code}", undefined, { params: { code: "pro_only" } });
    expect(shown.coupon).toMatchObject({ billable_metric_codes: ["users"] });
  });

  it("never shows or changes another organization's coupon", async () => {
    await succeeded("POST /api/v1/coupons", fixed("mine"));
    const before = await scanTables();
    const theirs = { apiKey: other.apiKey, params: { code: "mine" } };
    expect(await call("GET /api/v1/coupons/{code}", undefined, theirs)).toEqual(notFound("coupon"));
    expect(await call("PUT /api/v1/coupons/{code}", { coupon: { name: "x" } }, theirs)).toEqual(
      notFound("coupon"),
    );
    expect(await call("DELETE /api/v1/coupons/{code}", undefined, theirs)).toEqual(notFound("coupon"));
    expect(
      await call("POST /api/v1/applied_coupons", apply("mine", other.externalCustomerId), theirs),
    ).toEqual(notFound("coupon"));
    expect(await scanTables()).toEqual(before);
    const listed = await succeeded("GET /api/v1/coupons", undefined, { apiKey: other.apiKey });
    expect(listed.coupons).toEqual([]);
  });
});

describe("applied coupons", () => {
  it("applies a coupon with Lago's fields, lists it, and terminates it when removed", async () => {
    const coupon = (await succeeded("POST /api/v1/coupons", fixed("spring"))).coupon as { lago_id: string };
    const applied = await succeeded("POST /api/v1/applied_coupons", apply("spring"));
    const customer = (
      await succeeded("GET /api/v1/customers/{external_customer_id}", undefined, {
        params: { external_customer_id: acme.externalCustomerId },
      })
    ).customer as { lago_id: string };
    const shown = {
      lago_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      lago_coupon_id: coupon.lago_id,
      coupon_code: "spring",
      coupon_name: "Coupon spring",
      coupon_status: "active",
      coupon_deleted_at: null,
      lago_customer_id: customer.lago_id,
      external_customer_id: acme.externalCustomerId,
      status: "active",
      amount_cents: 2_500,
      amount_cents_remaining: 2_500,
      amount_currency: "EUR",
      percentage_rate: null,
      frequency: "once",
      frequency_duration: null,
      frequency_duration_remaining: null,
      expiration_at: null,
      created_at: AT,
      terminated_at: null,
    };
    expect(applied).toEqual({ applied_coupon: shown });
    const id = (applied.applied_coupon as { lago_id: string }).lago_id;

    const listed = await succeeded("GET /api/v1/applied_coupons", undefined, {
      query: `external_customer_id=${acme.externalCustomerId}&coupon_code[]=spring&status=active`,
    });
    expect(listed.applied_coupons).toEqual([{ ...shown, credits: [] }]);
    expect(listed.meta).toMatchObject({ total_count: 1 });
    const ofCustomer = await succeeded(
      "GET /api/v1/customers/{external_customer_id}/applied_coupons",
      undefined,
      {
        params: { external_customer_id: acme.externalCustomerId },
        query: "coupon_code[]=spring",
      },
    );
    expect(ofCustomer.applied_coupons).toEqual([{ ...shown, credits: [] }]);
    const none = await succeeded("GET /api/v1/applied_coupons", undefined, {
      query: "coupon_code[]=spring&status=terminated",
    });
    expect(none.applied_coupons).toEqual([]);

    const route = "DELETE /api/v1/customers/{external_customer_id}/applied_coupons/{applied_coupon_id}";
    const params = { external_customer_id: acme.externalCustomerId, applied_coupon_id: id };
    const removed = await succeeded(route, undefined, { params, at: LATER });
    expect(removed.applied_coupon).toEqual({ ...shown, status: "terminated", terminated_at: LATER });
    // Removing it again shows it as it is.
    expect((await succeeded(route, undefined, { params })).applied_coupon).toMatchObject({
      terminated_at: LATER,
    });
    const terminated = await succeeded("GET /api/v1/applied_coupons", undefined, {
      query: "coupon_code[]=spring&status=terminated",
    });
    expect((terminated.applied_coupons as { lago_id: string }[]).map((a) => a.lago_id)).toEqual([id]);

    expect(await call(route, undefined, { params: { ...params, applied_coupon_id: "nope" } })).toEqual(
      notFound("applied_coupon"),
    );
    expect(await call(route, undefined, { params: { ...params, external_customer_id: "nobody" } })).toEqual(
      notFound("customer"),
    );
    // Another organization's customer of the same external id has no such application.
    expect(await call(route, undefined, { params, apiKey: other.apiKey })).toEqual(
      notFound("applied_coupon"),
    );
    expect(
      await call("GET /api/v1/customers/{external_customer_id}/applied_coupons", undefined, {
        params: { external_customer_id: "nobody" },
      }),
    ).toEqual(notFound("customer"));
  });

  it("refuses applications as Lago does and stores nothing", async () => {
    await succeeded("POST /api/v1/coupons", fixed("usd", { amount_currency: "USD" }));
    await succeeded(
      "POST /api/v1/coupons",
      fixed("brief", { expiration: "time_limit", expiration_at: "2026-03-10T12:00:00Z" }),
    );
    await succeeded("POST /api/v1/coupons", fixed("unique", { reusable: false }));

    expect(await refused("POST /api/v1/applied_coupons", apply("usd", "nobody"))).toEqual(
      notFound("customer"),
    );
    expect(await refused("POST /api/v1/applied_coupons", apply("nope"))).toEqual(notFound("coupon"));
    expect(await refused("POST /api/v1/applied_coupons", apply("brief"), { at: LATER })).toEqual(
      notFound("coupon"),
    );
    expect(await refused("POST /api/v1/applied_coupons", apply("usd"))).toEqual(
      validation({ currency: ["currencies_does_not_match"] }),
    );
    expect(
      await refused(
        "POST /api/v1/applied_coupons",
        apply("usd", acme.externalCustomerId, { amount_cents: -1 }),
      ),
    ).toEqual(validation({ amount_cents: ["value_is_out_of_range"] }));
    expect(
      await refused(
        "POST /api/v1/applied_coupons",
        apply("unique", acme.externalCustomerId, { frequency: "recurring" }),
      ),
    ).toEqual(validation({ frequency_duration: ["value_is_mandatory"] }));
    expect((await refused("POST /api/v1/applied_coupons", {})).status).toBe(400);

    // Not reusable: applied once to a customer, even after that application ended.
    const first = await succeeded("POST /api/v1/applied_coupons", apply("unique"));
    await succeeded(
      "DELETE /api/v1/customers/{external_customer_id}/applied_coupons/{applied_coupon_id}",
      undefined,
      {
        params: {
          external_customer_id: acme.externalCustomerId,
          applied_coupon_id: (first.applied_coupon as { lago_id: string }).lago_id,
        },
      },
    );
    expect(await refused("POST /api/v1/applied_coupons", apply("unique"))).toEqual(
      validation({ coupon: ["coupon_is_not_reusable"] }),
    );
    await newCustomer("cus_unique");
    await succeeded("POST /api/v1/applied_coupons", apply("unique", "cus_unique"));
  });

  it("takes the customer's currency from a fixed coupon, and applies overrides", async () => {
    await newCustomer("cus_new");
    await succeeded("POST /api/v1/coupons", fixed("gbp", { amount_currency: "GBP" }));
    const applied = await succeeded(
      "POST /api/v1/applied_coupons",
      apply("gbp", "cus_new", { amount_cents: 900, frequency: "recurring", frequency_duration: 2 }),
    );
    expect(applied.applied_coupon).toMatchObject({
      amount_cents: 900,
      amount_currency: "GBP",
      frequency: "recurring",
      frequency_duration: 2,
      frequency_duration_remaining: 2,
      // Lago shows what is left only of an amount given once.
      amount_cents_remaining: null,
    });
    const customer = await succeeded("GET /api/v1/customers/{external_customer_id}", undefined, {
      params: { external_customer_id: "cus_new" },
    });
    expect(customer.customer).toMatchObject({ currency: "GBP" });

    // A percentage needs no currency: the customer's stays unset.
    await newCustomer("cus_rate");
    await succeeded("POST /api/v1/coupons", percentage("rate", { percentage_rate: "12.5" }));
    const rated = await succeeded(
      "POST /api/v1/applied_coupons",
      apply("rate", "cus_rate", { percentage_rate: "20" }),
    );
    expect(rated.applied_coupon).toMatchObject({
      percentage_rate: "20.0",
      amount_cents: null,
      amount_cents_remaining: null,
    });
    const unset = await succeeded("GET /api/v1/customers/{external_customer_id}", undefined, {
      params: { external_customer_id: "cus_rate" },
    });
    expect(unset.customer).toMatchObject({ currency: null });
  });

  it("refuses a limited coupon overlapping an active one of the customer's (Lago's plan_overlapping)", async () => {
    await newCustomer("cus_overlap", "EUR");
    await succeeded("POST /api/v1/coupons", fixed("on_pro", { applies_to: { plan_codes: ["pro"] } }));
    await succeeded(
      "POST /api/v1/coupons",
      fixed("on_usage", { applies_to: { billable_metric_codes: ["usage"] } }),
    );
    await succeeded("POST /api/v1/applied_coupons", apply("on_pro", "cus_overlap"));
    // The plan charges the metric: the two reach the same fees.
    expect(await refused("POST /api/v1/applied_coupons", apply("on_usage", "cus_overlap"))).toEqual(
      notAllowed("plan_overlapping"),
    );
    // An unlimited coupon overlaps nothing.
    await succeeded("POST /api/v1/coupons", fixed("anything"));
    await succeeded("POST /api/v1/applied_coupons", apply("anything", "cus_overlap"));
  });

  it("applies a coupon that is not reusable once to a customer under concurrent requests", async () => {
    await newCustomer("cus_race", "EUR");
    await succeeded("POST /api/v1/coupons", fixed("once_only", { reusable: false }));
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call("POST /api/v1/applied_coupons", apply("once_only", "cus_race"))),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422, 422, 422]);
    for (const answer of answers.filter((a) => a.status === 422))
      expect(answer).toEqual(validation({ coupon: ["coupon_is_not_reusable"] }));
    const listed = await succeeded(
      "GET /api/v1/customers/{external_customer_id}/applied_coupons",
      undefined,
      {
        params: { external_customer_id: "cus_race" },
      },
    );
    expect(listed.applied_coupons).toHaveLength(1);
  });

  it("changes only the name, description and expiration of a coupon once applied", async () => {
    await newCustomer("cus_locked", "EUR");
    await succeeded("POST /api/v1/coupons", fixed("locked"));
    await succeeded("POST /api/v1/applied_coupons", apply("locked", "cus_locked"));
    const updated = await succeeded(
      "PUT /api/v1/coupons/{code}",
      {
        coupon: {
          name: "Renamed",
          description: "Now described",
          expiration: "time_limit",
          expiration_at: "2027-01-01T00:00:00Z",
          code: "unlocked",
          amount_cents: 1,
          coupon_type: "percentage",
          percentage_rate: "50",
          frequency: "forever",
          reusable: false,
          applies_to: { plan_codes: ["pro"] },
        },
      },
      { params: { code: "locked" } },
    );
    expect(updated.coupon).toMatchObject({
      name: "Renamed",
      description: "Now described",
      expiration: "time_limit",
      expiration_at: "2027-01-01T00:00:00.000Z",
      code: "locked",
      amount_cents: 2_500,
      coupon_type: "fixed_amount",
      percentage_rate: null,
      frequency: "once",
      reusable: true,
      limited_plans: false,
    });
    expect(await succeeded("GET /api/v1/coupons/{code}", undefined, { params: { code: "locked" } })).toEqual(
      updated,
    );
    // Its applications show the new name and expiration.
    const listed = await succeeded(
      "GET /api/v1/customers/{external_customer_id}/applied_coupons",
      undefined,
      {
        params: { external_customer_id: "cus_locked" },
      },
    );
    expect(listed.applied_coupons).toEqual([
      expect.objectContaining({
        coupon_name: "Renamed",
        expiration_at: "2027-01-01T00:00:00.000Z",
        amount_cents: 2_500,
      }),
    ]);
    // A past expiration date is still refused.
    expect(
      await refused(
        "PUT /api/v1/coupons/{code}",
        { coupon: { expiration_at: "2026-01-01T00:00:00Z" } },
        { params: { code: "locked" } },
      ),
    ).toEqual(validation({ expiration_at: ["invalid_date"] }));
  });

  it("terminates a deleted coupon's active applications, which still show it", async () => {
    await newCustomer("cus_a", "EUR");
    await newCustomer("cus_b", "EUR");
    const coupon = (await succeeded("POST /api/v1/coupons", fixed("doomed"))).coupon as { lago_id: string };
    const a = (await succeeded("POST /api/v1/applied_coupons", apply("doomed", "cus_a"))).applied_coupon as {
      lago_id: string;
    };
    await succeeded("POST /api/v1/applied_coupons", apply("doomed", "cus_b"));
    const store = new CatalogStore();
    const customerA = await store.getCustomer(acme.organizationId, "cus_a");
    expect((await store.appliedCouponsOf(acme.organizationId, customerA?.id ?? "")).map((x) => x.id)).toEqual(
      [a.lago_id],
    );

    await succeeded("DELETE /api/v1/coupons/{code}", undefined, { params: { code: "doomed" }, at: LATER });
    const listed = await succeeded("GET /api/v1/applied_coupons", undefined, {
      query: "coupon_code[]=doomed",
    });
    const applications = listed.applied_coupons as Record<string, unknown>[];
    expect(applications).toHaveLength(2);
    for (const application of applications)
      expect(application).toMatchObject({
        lago_coupon_id: coupon.lago_id,
        coupon_code: "doomed",
        coupon_deleted_at: LATER,
        status: "terminated",
        terminated_at: LATER,
      });
    expect(await store.appliedCouponsOf(acme.organizationId, customerA?.id ?? "")).toEqual([]);
    // The code is free again, and the old applications keep naming the old coupon.
    const reborn = (await succeeded("POST /api/v1/coupons", fixed("doomed", { name: "Reborn" }))).coupon as {
      lago_id: string;
    };
    expect(reborn.lago_id).not.toBe(coupon.lago_id);
    await succeeded("POST /api/v1/applied_coupons", apply("doomed", "cus_a"));
    const again = await succeeded("GET /api/v1/customers/{external_customer_id}/applied_coupons", undefined, {
      params: { external_customer_id: "cus_a" },
      query: "status=active",
    });
    expect(again.applied_coupons).toEqual([
      expect.objectContaining({ lago_coupon_id: reborn.lago_id, coupon_name: "Reborn", status: "active" }),
    ]);
  });

  it("lists a customer's active applications oldest first for invoicing", async () => {
    await newCustomer("cus_order", "EUR");
    await succeeded("POST /api/v1/coupons", fixed("first"));
    await succeeded("POST /api/v1/coupons", percentage("second"));
    const first = await succeeded("POST /api/v1/applied_coupons", apply("first", "cus_order"), { at: LATER });
    const second = await succeeded("POST /api/v1/applied_coupons", apply("second", "cus_order"), { at: AT });
    const store = new CatalogStore();
    const customer = await store.getCustomer(acme.organizationId, "cus_order");
    const active = await store.appliedCouponsOf(acme.organizationId, customer?.id ?? "");
    expect(active.map((applied) => applied.id)).toEqual([
      (second.applied_coupon as { lago_id: string }).lago_id,
      (first.applied_coupon as { lago_id: string }).lago_id,
    ]);
    expect(active[0]).toMatchObject({ couponCode: "second", percentageRate: "10", status: "active" });
  });
});

describe("arbitrary input", () => {
  const fields = [
    "name",
    "code",
    "coupon_type",
    "amount_cents",
    "amount_currency",
    "percentage_rate",
    "frequency",
    "frequency_duration",
    "reusable",
    "expiration",
    "expiration_at",
    "applies_to",
    "external_customer_id",
    "coupon_code",
  ];
  const value = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.constantFrom(
      "fixed_amount",
      "percentage",
      "recurring",
      "time_limit",
      "EUR",
      "pro",
      "cus_1",
      "2027-01-01",
    ),
    fc.array(fc.jsonValue()),
    fc.record({ plan_codes: fc.jsonValue(), billable_metric_codes: fc.jsonValue() }),
  );
  const body = fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 10 });

  it("never yields a 500 on the coupon routes, always Lago's error shape", async () => {
    await succeeded("POST /api/v1/coupons", fixed("fuzzed"));
    const routes = [
      ["POST /api/v1/coupons", "coupon"],
      ["PUT /api/v1/coupons/{code}", "coupon"],
      ["POST /api/v1/applied_coupons", "applied_coupon"],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([routeKey, root], input) => {
        const answer = await call(routeKey, { [root]: input }, { params: { code: "fuzzed" } });
        expect(answer.status, `${routeKey} ${JSON.stringify(input)}`).not.toBe(500);
        if (answer.status >= 400) expect(answer.body.status).toBe(answer.status);
        return true;
      }),
      { numRuns: 150, seed: 20261202 },
    );
  });
});
