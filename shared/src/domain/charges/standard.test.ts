import { expect, it } from "vitest";
import { decimal } from "../money.js";
import { chargeAmount } from "./charge-amount.js";
import { standardAmount } from "./standard.js";

it("prices 1,000 API calls at $0.05 at $50 (Lago's charges page)", () => {
  expect(standardAmount(1000, { amount: "0.05" }).toString()).toBe("50");
});

it("keeps sub-cent unit prices exact", () => {
  expect(standardAmount(3, { amount: "0.0001" }).toString()).toBe("0.0003");
});

it("gives a unit amount of 0 at 0 units", () => {
  const priced = chargeAmount(
    { chargeModel: "standard", properties: { amount: "2" }, prorated: false },
    { units: decimal(0), eventsCount: 0 },
    "EUR",
  );
  expect(priced.amount.toString()).toBe("0");
  expect(priced.unitAmount.toString()).toBe("0");
});

it("divides a prorated charge's amount by its full units", () => {
  const priced = chargeAmount(
    { chargeModel: "standard", properties: { amount: "10" }, prorated: true },
    { units: decimal(5), fullUnits: decimal(10), eventsCount: 1 },
    "EUR",
  );
  expect(priced.amount.toString()).toBe("50");
  expect(priced.unitAmount.toString()).toBe("5");
});
