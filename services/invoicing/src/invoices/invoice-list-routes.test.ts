import { describe, expect, it } from "vitest";
import { rawListQuery } from "./invoice-list-routes.js";

describe("rawListQuery", () => {
  it("gathers [] names in lists, a list name without [] too, and status[] as statuses", () => {
    expect(
      rawListQuery(
        new URLSearchParams("statuses[]=draft&statuses[]=voided&payment_status[]=failed&statuses=finalized"),
      ),
    ).toEqual({ statuses: ["draft", "voided", "finalized"], payment_statuses: ["failed"] });
    expect(rawListQuery(new URLSearchParams("status[]=draft"))).toEqual({ statuses: ["draft"] });
  });

  it("gathers metadata[key] in one record, keeps a name's first value", () => {
    expect(
      rawListQuery(
        new URLSearchParams(
          "metadata[color]=blue&metadata[size]=&currency=EUR&currency=USD&metadata[color]=red",
        ),
      ),
    ).toEqual({ metadata: { color: "blue", size: "" }, currency: "EUR" });
    expect(rawListQuery(new URLSearchParams(""))).toEqual({});
  });
});
