import { describe, expect, it } from "vitest";
import type { ChargeMetric } from "./validate-charge.js";
import { lagoErrorDetails, validateCharge } from "./validate-charge.js";

const SUM: ChargeMetric = { aggregationType: "sum_agg", recurring: false };
const RECURRING_SUM: ChargeMetric = { aggregationType: "sum_agg", recurring: true };

const errorsOf = (result: ReturnType<typeof validateCharge>) => (result.ok ? {} : result.errors);

describe("validateCharge: properties", () => {
  it("keeps a valid standard charge's amount and drops other keys", () => {
    const result = validateCharge(
      { chargeModel: "standard", properties: { amount: "0.05", rate: "3" } },
      SUM,
    );
    expect(result).toEqual({ ok: true, chargeModel: "standard", properties: { amount: "0.05" } });
  });

  it("gives a charge without properties Lago's free defaults", () => {
    expect(validateCharge({ chargeModel: "package", properties: {} }, SUM)).toEqual({
      ok: true,
      chargeModel: "package",
      properties: { package_size: 1, amount: "0", free_units: 0 },
    });
    expect(validateCharge({ chargeModel: "graduated" }, SUM)).toMatchObject({
      ok: true,
      properties: {
        graduated_ranges: [{ from_value: 0, to_value: null, per_unit_amount: "0", flat_amount: "0" }],
      },
    });
  });

  it("refuses an amount that is not a decimal string", () => {
    expect(errorsOf(validateCharge({ chargeModel: "standard", properties: { amount: 5 } }, SUM))).toEqual({
      "properties.amount": ["invalid_amount"],
    });
  });

  it("checks graduated ranges, their amounts and their bounds", () => {
    const result = validateCharge(
      {
        chargeModel: "graduated",
        properties: {
          graduated_ranges: [
            { from_value: 0, to_value: 10, per_unit_amount: "-1", flat_amount: "0" },
            { from_value: 12, to_value: null, per_unit_amount: "1", flat_amount: 2 },
          ],
        },
      },
      SUM,
    );
    expect(errorsOf(result)).toEqual({
      "properties.per_unit_amount": ["invalid_amount"],
      "properties.flat_amount": ["invalid_amount"],
      "properties.graduated_ranges": ["invalid_graduated_ranges"],
    });
    expect(lagoErrorDetails(errorsOf(result))).toEqual({
      properties: ["invalid_amount", "invalid_graduated_ranges"],
    });
  });

  it("requires at least one range", () => {
    expect(
      errorsOf(validateCharge({ chargeModel: "graduated", properties: { graduated_ranges: [] } }, SUM)),
    ).toEqual({
      "properties.graduated_ranges": ["missing_graduated_ranges"],
    });
    expect(
      errorsOf(validateCharge({ chargeModel: "volume", properties: { volume_ranges: [] } }, SUM)),
    ).toEqual({
      "properties.volume_ranges": ["missing_volume_ranges"],
    });
    expect(
      errorsOf(
        validateCharge(
          { chargeModel: "graduated_percentage", properties: { graduated_percentage_ranges: [] } },
          SUM,
        ),
      ),
    ).toEqual({ "properties.graduated_percentage_ranges": ["missing_graduated_percentage_ranges"] });
  });

  it("checks volume ranges", () => {
    const result = validateCharge(
      {
        chargeModel: "volume",
        properties: {
          volume_ranges: [
            { from_value: 0, to_value: 100, per_unit_amount: "2", flat_amount: "10" },
            { from_value: 100, to_value: null, per_unit_amount: "1", flat_amount: "0" },
          ],
        },
      },
      SUM,
    );
    expect(errorsOf(result)).toEqual({ "properties.volume_ranges": ["invalid_volume_ranges"] });
  });

  it("checks graduated percentage rates and flat amounts", () => {
    const result = validateCharge(
      {
        chargeModel: "graduated_percentage",
        properties: {
          graduated_percentage_ranges: [
            { from_value: 0, to_value: 10, rate: "x", flat_amount: "200" },
            { from_value: 11, to_value: null, rate: "2", flat_amount: null },
          ],
        },
      },
      SUM,
    );
    expect(errorsOf(result)).toEqual({
      "properties.rate": ["invalid_rate"],
      "properties.flat_amount": ["invalid_amount"],
    });
  });

  it("checks package amount, size and free units", () => {
    const result = validateCharge(
      { chargeModel: "package", properties: { amount: "x", package_size: 0, free_units: -1 } },
      SUM,
    );
    expect(errorsOf(result)).toEqual({
      "properties.amount": ["invalid_amount"],
      "properties.free_units": ["invalid_free_units"],
      "properties.package_size": ["invalid_package_size"],
    });
    expect(
      errorsOf(
        validateCharge(
          { chargeModel: "package", properties: { amount: "1", package_size: 2.5, free_units: 0 } },
          SUM,
        ),
      ),
    ).toEqual({ "properties.package_size": ["invalid_package_size"] });
  });

  it("checks every percentage property", () => {
    const result = validateCharge(
      {
        chargeModel: "percentage",
        properties: {
          rate: "-1",
          fixed_amount: "",
          free_units_per_events: 0,
          free_units_per_total_aggregation: "abc",
          per_transaction_min_amount: "x",
          per_transaction_max_amount: "-2",
        },
      },
      SUM,
    );
    expect(errorsOf(result)).toEqual({
      "properties.rate": ["invalid_rate"],
      "properties.fixed_amount": ["invalid_fixed_amount"],
      "properties.free_units_per_events": ["invalid_free_units_per_events"],
      "properties.free_units_per_total_aggregation": ["invalid_free_units_per_total_aggregation"],
      "properties.per_transaction_min_amount": ["invalid_amount"],
      "properties.per_transaction_max_amount": ["invalid_amount"],
    });
  });

  it("refuses a per-transaction maximum below the minimum", () => {
    const result = validateCharge(
      {
        chargeModel: "percentage",
        properties: { rate: "1", per_transaction_min_amount: "5", per_transaction_max_amount: "2" },
      },
      SUM,
    );
    expect(errorsOf(result)).toEqual({
      "properties.per_transaction_max_amount": ["per_transaction_max_lower_than_per_transaction_min"],
    });
  });

  it("refuses percentage models on a latest_agg metric", () => {
    const latest: ChargeMetric = { aggregationType: "latest_agg", recurring: false };
    expect(
      errorsOf(validateCharge({ chargeModel: "percentage", properties: { rate: "1" } }, latest)),
    ).toEqual({
      "properties.billable_metric": ["invalid_value"],
    });
    expect(errorsOf(validateCharge({ chargeModel: "graduated_percentage" }, latest))).toEqual({
      "properties.billable_metric": ["invalid_value"],
    });
  });

  it("checks pricing group keys and drops empty ones", () => {
    expect(
      validateCharge(
        { chargeModel: "standard", properties: { amount: "1", pricing_group_keys: ["region", ""] } },
        SUM,
      ),
    ).toEqual({
      ok: true,
      chargeModel: "standard",
      properties: { amount: "1", pricing_group_keys: ["region"] },
    });
    expect(
      errorsOf(
        validateCharge({ chargeModel: "standard", properties: { amount: "1", grouped_by: "region" } }, SUM),
      ),
    ).toEqual({
      "properties.grouped_by": ["invalid_type"],
    });
  });
});

describe("validateCharge: charge-level rules", () => {
  it("requires a known charge model", () => {
    expect(errorsOf(validateCharge({ chargeModel: null }, SUM))).toEqual({
      charge_model: ["value_is_mandatory"],
    });
    expect(errorsOf(validateCharge({ chargeModel: "custom" }, SUM))).toEqual({
      charge_model: ["value_is_invalid"],
    });
  });

  it("allows dynamic pricing on sum_agg only", () => {
    expect(validateCharge({ chargeModel: "dynamic" }, SUM)).toEqual({
      ok: true,
      chargeModel: "dynamic",
      properties: {},
    });
    expect(
      errorsOf(
        validateCharge({ chargeModel: "dynamic" }, { aggregationType: "count_agg", recurring: false }),
      ),
    ).toEqual({
      charge_model: ["invalid_aggregation_type_or_charge_model"],
    });
  });

  it("refuses pay in advance for volume and for max, latest and weighted sums", () => {
    expect(errorsOf(validateCharge({ chargeModel: "volume", payInAdvance: true }, SUM))).toEqual({
      pay_in_advance: ["invalid_aggregation_type_or_charge_model"],
    });
    for (const aggregationType of ["max_agg", "latest_agg", "weighted_sum_agg"] as const) {
      expect(
        errorsOf(
          validateCharge(
            { chargeModel: "standard", payInAdvance: true },
            { aggregationType, recurring: false },
          ),
        ),
      ).toEqual({
        pay_in_advance: ["invalid_aggregation_type_or_charge_model"],
      });
    }
    for (const aggregationType of ["count_agg", "sum_agg", "unique_count_agg"] as const) {
      expect(
        validateCharge({ chargeModel: "standard", payInAdvance: true }, { aggregationType, recurring: false })
          .ok,
      ).toBe(true);
    }
  });

  it("allows proration only on recurring metrics, for the models that support it", () => {
    const prorated = (chargeModel: string, payInAdvance: boolean, metric: ChargeMetric) =>
      validateCharge({ chargeModel, prorated: true, payInAdvance }, metric).ok;
    expect(prorated("standard", false, RECURRING_SUM)).toBe(true);
    expect(prorated("volume", false, RECURRING_SUM)).toBe(true);
    expect(prorated("graduated", false, RECURRING_SUM)).toBe(true);
    expect(prorated("standard", true, RECURRING_SUM)).toBe(true);
    expect(prorated("graduated", true, RECURRING_SUM)).toBe(false);
    expect(prorated("package", false, RECURRING_SUM)).toBe(false);
    expect(prorated("percentage", false, RECURRING_SUM)).toBe(false);
    expect(prorated("standard", false, SUM)).toBe(false);
    expect(prorated("standard", false, { aggregationType: "weighted_sum_agg", recurring: true })).toBe(false);
    expect(errorsOf(validateCharge({ chargeModel: "package", prorated: true }, RECURRING_SUM))).toEqual({
      prorated: ["invalid_billable_metric_or_charge_model"],
    });
  });

  it("requires charges in arrears to be invoiceable", () => {
    expect(errorsOf(validateCharge({ chargeModel: "standard", invoiceable: false }, SUM))).toEqual({
      invoiceable: ["must_be_true_unless_pay_in_advance"],
    });
    expect(validateCharge({ chargeModel: "standard", invoiceable: false, payInAdvance: true }, SUM).ok).toBe(
      true,
    );
  });

  it("refuses a spending minimum on a charge paid in advance, and a negative one", () => {
    expect(
      errorsOf(validateCharge({ chargeModel: "standard", payInAdvance: true, minAmountCents: 100 }, SUM)),
    ).toEqual({
      min_amount_cents: ["not_compatible_with_pay_in_advance"],
    });
    expect(errorsOf(validateCharge({ chargeModel: "standard", minAmountCents: -1 }, SUM))).toEqual({
      min_amount_cents: ["value_is_out_of_range"],
    });
    expect(validateCharge({ chargeModel: "standard", payInAdvance: true, minAmountCents: 0 }, SUM).ok).toBe(
      true,
    );
  });

  it("regroups paid fees only for non-invoiceable charges paid in advance", () => {
    expect(
      validateCharge(
        { chargeModel: "standard", payInAdvance: true, invoiceable: false, regroupPaidFees: "invoice" },
        SUM,
      ).ok,
    ).toBe(true);
    expect(
      errorsOf(
        validateCharge({ chargeModel: "standard", payInAdvance: true, regroupPaidFees: "invoice" }, SUM),
      ),
    ).toEqual({
      regroup_paid_fees: ["only_compatible_with_pay_in_advance_and_non_invoiceable"],
    });
  });

  it("reports every broken rule at once", () => {
    const result = validateCharge(
      { chargeModel: "volume", payInAdvance: true, minAmountCents: 5, properties: { volume_ranges: [] } },
      SUM,
    );
    expect(lagoErrorDetails(errorsOf(result))).toEqual({
      properties: ["missing_volume_ranges"],
      pay_in_advance: ["invalid_aggregation_type_or_charge_model"],
      min_amount_cents: ["not_compatible_with_pay_in_advance"],
    });
  });
});
