import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import { chargeAmount } from "./charge-amount.js";

// spec/services/charge_models/dynamic_service_spec.rb
const dynamic = { chargeModel: "dynamic" as const, properties: {}, prorated: false };

describe("dynamic (spec)", () => {
  it("sums the events' own prices: 40.2 cents over 20 units", () => {
    const fee = chargeAmount(
      dynamic,
      { units: decimal(20), eventsCount: 3, preciseTotalAmountCents: decimal("40.2") },
      "EUR",
    );
    expect(fee.amount.toString()).toBe("0.402");
    expect(fee.unitAmount.toString()).toBe("0.0201");
  });

  it("owes nothing without units", () => {
    const fee = chargeAmount(
      dynamic,
      { units: decimal(0), eventsCount: 1, preciseTotalAmountCents: decimal(500) },
      "EUR",
    );
    expect(fee.amount.toString()).toBe("0");
  });

  it("converts from the currency's own minor unit", () => {
    const fee = chargeAmount(
      dynamic,
      { units: decimal(1), eventsCount: 1, preciseTotalAmountCents: decimal(500) },
      "JPY",
    );
    expect(fee.amount.toString()).toBe("500");
  });
});
