/**
 * The add-ons API on moto: Lago's CRUD, its validation errors (nothing stored on a refusal), and
 * one organization never seeing another's add-ons.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";
import { scanTables } from "../support/stored-state.js";

let aws: AwsHarness;
let acme: SeededCatalog;
let other: SeededCatalog;
const AT = "2026-03-10T09:00:00.000Z";

beforeAll(async () => {
  aws = await startAwsHarness();
  acme = await seedCatalog({ subscriptionAt: "2026-03-01T00:00:00Z" });
  other = await seedCatalog({ name: "Other", subscriptionAt: "2026-03-01T00:00:00Z" });
});
afterAll(() => aws.stop());

type Answer = { status: number; body: Record<string, unknown> };
const call = (
  routeKey: string,
  body?: unknown,
  params?: Record<string, string>,
  apiKey = acme.apiKey,
  query?: string,
): Promise<Answer> => invoke(catalogApi, routeKey, { apiKey, body, params, query, at: AT });

async function refused(routeKey: string, body: unknown, params?: Record<string, string>): Promise<Answer> {
  const before = await scanTables();
  const answer = await call(routeKey, body, params);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(await scanTables()).toEqual(before);
  return answer;
}

const setupFee = {
  name: "Setup fee",
  code: "setup",
  amount_cents: 50_000,
  amount_currency: "EUR",
  description: "Onboarding",
  invoice_display_name: "Setup (one time)",
};

describe("add-ons", () => {
  it("creates, shows, lists, updates and deletes an add-on as Lago does", async () => {
    const tax = await call("POST /api/v1/taxes", { tax: { name: "VAT", code: "vat_20", rate: "20" } });
    expect(tax.status).toBe(200);

    const created = await call("POST /api/v1/add_ons", { add_on: { ...setupFee, tax_codes: ["vat_20"] } });
    expect(created.status).toBe(200);
    const addOn = created.body.add_on as Record<string, unknown>;
    expect(addOn).toMatchObject({
      name: "Setup fee",
      code: "setup",
      amount_cents: 50_000,
      amount_currency: "EUR",
      description: "Onboarding",
      invoice_display_name: "Setup (one time)",
      created_at: AT,
      taxes: [expect.objectContaining({ code: "vat_20", rate: 20 })],
    });
    expect(addOn.lago_id).toMatch(/^[0-9a-f-]{36}$/);

    const shown = await call("GET /api/v1/add_ons/{code}", undefined, { code: "setup" });
    expect(shown).toEqual({ status: 200, body: created.body });

    await call("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "training", amount_cents: 1 } });
    // Newest first; the two were made at the same instant, so each page holds one of them.
    const page = async (n: number) => {
      const listed = await call(
        "GET /api/v1/add_ons",
        undefined,
        undefined,
        acme.apiKey,
        `per_page=1&page=${n}`,
      );
      expect(listed.status).toBe(200);
      expect(listed.body.meta).toMatchObject({ current_page: n, total_pages: 2, total_count: 2 });
      return (listed.body.add_ons as { code: string }[]).map((a) => a.code);
    };
    expect([...(await page(1)), ...(await page(2))].sort()).toEqual(["setup", "training"]);

    const renamed = await call(
      "PUT /api/v1/add_ons/{code}",
      { add_on: { code: "onboarding", amount_cents: 40_000, tax_codes: [] } },
      { code: "setup" },
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.add_on).toMatchObject({
      lago_id: addOn.lago_id,
      code: "onboarding",
      name: "Setup fee",
      amount_cents: 40_000,
      taxes: [],
    });
    expect((await call("GET /api/v1/add_ons/{code}", undefined, { code: "setup" })).status).toBe(404);

    const deleted = await call("DELETE /api/v1/add_ons/{code}", undefined, { code: "onboarding" });
    expect(deleted.status).toBe(200);
    expect(deleted.body.add_on).toMatchObject({ code: "onboarding" });
    expect(await call("GET /api/v1/add_ons/{code}", undefined, { code: "onboarding" })).toEqual({
      status: 404,
      body: { status: 404, error: "Not Found", code: "add_on_not_found" },
    });
    // The code is free again.
    expect((await call("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "onboarding" } })).status).toBe(
      200,
    );
  });

  it("refuses bad input with Lago's errors and stores nothing", async () => {
    await call("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "taken" } });
    const taken = await refused("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "taken" } });
    expect(taken).toEqual({
      status: 422,
      body: {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { code: ["value_already_exist"] },
      },
    });
    const bad = await refused("POST /api/v1/add_ons", {
      add_on: { ...setupFee, code: "x", amount_cents: -1, amount_currency: "ZZZ" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error_details).toMatchObject({
      amount_cents: ["value_is_out_of_range"],
      amount_currency: ["value_is_invalid"],
    });
    const missing = await refused("POST /api/v1/add_ons", { add_on: { code: "y" } });
    expect(missing.body.error_details).toMatchObject({ name: ["value_is_mandatory"] });
    const noTax = await refused("POST /api/v1/add_ons", {
      add_on: { ...setupFee, code: "z", tax_codes: ["nope"] },
    });
    expect(noTax).toEqual({
      status: 404,
      body: { status: 404, error: "Not Found", code: "tax_not_found" },
    });
    await call("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "second" } });
    const renameOntoTaken = await refused(
      "PUT /api/v1/add_ons/{code}",
      { add_on: { code: "taken" } },
      { code: "second" },
    );
    expect(renameOntoTaken.body.error_details).toEqual({ code: ["value_already_exist"] });
    const badUpdate = await refused(
      "PUT /api/v1/add_ons/{code}",
      { add_on: { amount_cents: 1.5 } },
      {
        code: "second",
      },
    );
    expect(badUpdate.body.error_details).toEqual({ amount_cents: ["value_is_invalid"] });
  });

  it("drops a deleted tax from the add-ons naming it, and follows a renamed one", async () => {
    await call("POST /api/v1/taxes", { tax: { name: "GST", code: "gst", rate: "10" } });
    await call("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "taxed", tax_codes: ["gst"] } });
    await call("PUT /api/v1/taxes/{code}", { tax: { code: "gst_au" } }, { code: "gst" });
    const renamed = await call("GET /api/v1/add_ons/{code}", undefined, { code: "taxed" });
    expect(renamed.body.add_on).toMatchObject({ taxes: [expect.objectContaining({ code: "gst_au" })] });
    await call("DELETE /api/v1/taxes/{code}", undefined, { code: "gst_au" });
    const untaxed = await call("GET /api/v1/add_ons/{code}", undefined, { code: "taxed" });
    expect(untaxed.body.add_on).toMatchObject({ taxes: [] });
  });

  it("never shows or changes another organization's add-on", async () => {
    await call("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "mine" } });
    const notFound = { status: 404, body: { status: 404, error: "Not Found", code: "add_on_not_found" } };
    const before = await scanTables();
    expect(await call("GET /api/v1/add_ons/{code}", undefined, { code: "mine" }, other.apiKey)).toEqual(
      notFound,
    );
    expect(
      await call("PUT /api/v1/add_ons/{code}", { add_on: { name: "x" } }, { code: "mine" }, other.apiKey),
    ).toEqual(notFound);
    expect(await call("DELETE /api/v1/add_ons/{code}", undefined, { code: "mine" }, other.apiKey)).toEqual(
      notFound,
    );
    expect(await scanTables()).toEqual(before);
    const theirs = await call("GET /api/v1/add_ons", undefined, undefined, other.apiKey);
    expect(theirs.body.add_ons).toEqual([]);
    // Another organization may use the same code.
    expect(
      (await call("POST /api/v1/add_ons", { add_on: { ...setupFee, code: "mine" } }, undefined, other.apiKey))
        .status,
    ).toBe(200);
  });
});
