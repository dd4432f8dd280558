import { describe, expect, it } from "vitest";
import { groupByPricingKeys } from "./pricing-groups.js";
import { usageEvent } from "./test-events.js";

const at = "2023-03-02T00:00:00Z";

describe("groupByPricingKeys", () => {
  it("splits events by their combination of pricing key values, sorted by values", () => {
    const awsUs = usageEvent(at, { cloud: "aws", region: "us" });
    const gcpUs = usageEvent(at, { cloud: "gcp", region: "us" });
    const awsEu = usageEvent(at, { cloud: "aws", region: "eu" });
    const awsUsAgain = usageEvent(at, { cloud: "aws", region: "us", other: 1 });
    const groups = groupByPricingKeys(["cloud", "region"], [gcpUs, awsUs, awsEu, awsUsAgain]);
    expect(groups).toEqual([
      { groupedBy: { cloud: "aws", region: "eu" }, events: [awsEu] },
      { groupedBy: { cloud: "aws", region: "us" }, events: [awsUs, awsUsAgain] },
      { groupedBy: { cloud: "gcp", region: "us" }, events: [gcpUs] },
    ]);
  });

  it("keeps events lacking a key in the group where that key is null, blank and null included", () => {
    const missing = usageEvent(at, {});
    const nullValue = usageEvent(at, { cloud: null });
    const blank = usageEvent(at, { cloud: "" });
    const aws = usageEvent(at, { cloud: "aws" });
    expect(groupByPricingKeys(["cloud"], [aws, missing, nullValue, blank])).toEqual([
      { groupedBy: { cloud: null }, events: [missing, nullValue, blank] },
      { groupedBy: { cloud: "aws" }, events: [aws] },
    ]);
  });

  it('groups values by their text, so 1 and "1" share a group', () => {
    const groups = groupByPricingKeys(["size"], [usageEvent(at, { size: 1 }), usageEvent(at, { size: "1" })]);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.groupedBy).toEqual({ size: "1" });
  });

  it("makes one group of everything without keys, and no group without events", () => {
    const events = [usageEvent(at, { cloud: "aws" })];
    expect(groupByPricingKeys([], events)).toEqual([{ groupedBy: {}, events }]);
    expect(groupByPricingKeys(["cloud"], [])).toEqual([]);
  });
});
