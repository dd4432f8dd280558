import { describe, expect, it } from "vitest";
import { feeKey, readFeeKey } from "../store/invoice-list-index.js";
import type { FeeListEntry } from "../store/invoice-queries.js";
import { type FeeListFilters, feeListQuery, selectFees } from "./fee-filters.js";

const entry: FeeListEntry = {
  invoiceId: "inv-1",
  createdAt: "2026-08-01T07:10:00.000Z",
  externalCustomerId: "acme",
  externalSubscriptionId: "acme-main",
  currency: "EUR",
  paymentStatus: "pending",
  feeKeys: ["subscription|", "charge|api_calls", "charge|storage"],
};

const filters = (query: Record<string, string>): FeeListFilters => feeListQuery.parse(query);
const select = (query: Record<string, string>, tested = entry) => selectFees(filters(query), tested);

describe("fee list filters", () => {
  it("selects every fee without filters, by type, by billable metric (charge fees only)", () => {
    expect(select({})).toEqual([0, 1, 2]);
    expect(select({ fee_type: "charge" })).toEqual([1, 2]);
    expect(select({ fee_type: "subscription" })).toEqual([0]);
    expect(select({ fee_type: "add_on" })).toEqual([]);
    expect(select({ billable_metric_code: "storage" })).toEqual([2]);
    expect(select({ billable_metric_code: "" })).toEqual([]);
  });

  it("selects by the invoice's customer, subscription, currency (any case) and payment status", () => {
    expect(select({ external_customer_id: "acme", external_subscription_id: "acme-main" })).toEqual([
      0, 1, 2,
    ]);
    expect(select({ external_customer_id: "globex" })).toEqual([]);
    expect(select({ external_subscription_id: "other" })).toEqual([]);
    expect(select({ currency: "eur" })).toEqual([0, 1, 2]);
    expect(select({ currency: "USD" })).toEqual([]);
    expect(select({ payment_status: "pending" })).toEqual([0, 1, 2]);
    expect(select({ payment_status: "succeeded" })).toEqual([]);
  });

  it("selects a pay-in-advance fee by its event's transaction id, in either key form", () => {
    const advance = feeKey({
      feeType: "charge",
      billableMetricCode: "api|calls",
      eventTransactionId: "tr|1",
    });
    const instant = { ...entry, feeKeys: [...entry.feeKeys, advance] };
    expect(select({ event_transaction_id: "tr|1" }, instant)).toEqual([3]);
    expect(select({ billable_metric_code: "api|calls" }, instant)).toEqual([3]);
    expect(select({ fee_type: "charge", event_transaction_id: "tr_2" }, instant)).toEqual([]);
    expect(readFeeKey("charge|api|calls")).toEqual({
      type: "charge",
      metric: "api|calls",
      transactionId: null,
    });
  });

  it("selects nothing on what fees do not have yet: payment times, refunds, event transactions", () => {
    expect(select({ succeeded_at_from: "2026-01-01" })).toEqual([]);
    expect(select({ failed_at_to: "2030-01-01T00:00:00Z" })).toEqual([]);
    expect(select({ refunded_at_from: "2026-01-01" })).toEqual([]);
    expect(select({ payment_status: "refunded" })).toEqual([]);
    expect(select({ event_transaction_id: "tr_1" })).toEqual([]);
  });

  it("reads dates and date-times as UTC instants, and refuses what is none, or an unknown value", () => {
    expect(filters({ created_at_from: "2026-08-01" }).created_at_from).toBe("2026-08-01T00:00:00.000Z");
    expect(filters({ created_at_to: "2026-08-01T09:10:00+02:00" }).created_at_to).toBe(
      "2026-08-01T07:10:00.000Z",
    );
    for (const [name, value, code] of [
      ["created_at_from", "yesterday", "invalid_date"],
      ["created_at_to", "2026-13-45T99:00:00Z", "invalid_date"],
      ["fee_type", "usage", "value_is_invalid"],
      ["payment_status", "paid", "value_is_invalid"],
      ["currency", "EURO", "value_is_invalid"],
    ] as const) {
      const result = feeListQuery.safeParse({ [name]: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
        [name, code],
      ]);
    }
  });
});
