import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import { chargeAmount } from "./charge-amount.js";
import { packageAmount } from "./package.js";
import { readPackage } from "./properties.js";

// spec/services/charge_models/package_service_spec.rb
const priced = (freeUnits: number, units = 121) =>
  chargeAmount(
    {
      chargeModel: "package",
      properties: { amount: "100", package_size: 10, free_units: freeUnits },
      prorated: false,
    },
    { units: decimal(units), eventsCount: 1 },
    "EUR",
  );

describe("package (spec)", () => {
  it("bills 13 started packages of 10 for 121 units", () => {
    const fee = priced(0);
    expect(fee.amount.toString()).toBe("1300");
    expect(fee.unitAmount.toDecimalPlaces(2).toString()).toBe("10.74");
    expect(fee.amountDetails).toEqual({
      free_units: "0.0",
      paid_units: "121.0",
      per_package_size: 10,
      per_package_unit_amount: "100.0",
    });
  });

  it("takes the free units off first, the unit amount being per paid unit", () => {
    const fee = priced(10);
    expect(fee.amount.toString()).toBe("1200");
    expect(fee.unitAmount.toDecimalPlaces(2).toString()).toBe("10.81");
  });

  it("bills nothing when the free units cover the usage", () => {
    const fee = priced(200);
    expect(fee.amount.toString()).toBe("0");
    expect(fee.unitAmount.toString()).toBe("0");
    expect(fee.amountDetails).toMatchObject({ free_units: "200.0", paid_units: "0.0" });
  });

  it("shows empty details at 0 units", () => {
    expect(
      packageAmount(decimal(0), readPackage({ amount: "100", package_size: 10, free_units: 0 })),
    ).toEqual({
      amount: decimal(0),
      amountDetails: {
        free_units: "0.0",
        paid_units: "0.0",
        per_package_size: 0,
        per_package_unit_amount: "0.0",
      },
      unitDivisor: decimal(0),
    });
  });

  it("counts a package from its first unit (billing_monthly_spec: 100 per 10)", () => {
    expect(priced(0, 1).amount.toString()).toBe("100");
    expect(priced(0, 10).amount.toString()).toBe("100");
    expect(priced(0, 11).amount.toString()).toBe("200");
  });
});
