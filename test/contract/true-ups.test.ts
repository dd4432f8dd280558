/**
 * True-ups read back through lago-javascript-client: a charge's spending minimum billed as a
 * true-up fee linked to its parent, the plan's minimum commitment as a `commitment` fee taxed by
 * its own taxes, both prorated by the days the first period is billed (computed from the dates
 * the test runs at, the contract clock's start), and Lago's refusal of a minimum paid in advance.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  CONTRACT_CLOCK_START,
  cents,
  control,
  type Lago,
  lagoError,
  startContractRuntime,
  utcDaysInclusive,
  validationError,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
});
afterAll(() => runtime?.stop());

describe("true-ups in Lago's shape", () => {
  it("refuses a spending minimum on a charge paid in advance", async () => {
    const metric = await lago.billableMetrics.createBillableMetric({
      billable_metric: { name: "Calls", code: "calls", aggregation_type: "count_agg" },
    });
    const error = await lagoError(
      lago.plans.createPlan({
        plan: {
          name: "Advance",
          code: "advance",
          interval: "monthly",
          amount_cents: 0,
          amount_currency: "EUR",
          charges: [
            {
              billable_metric_id: metric.data.billable_metric.lago_id,
              charge_model: "standard",
              pay_in_advance: true,
              invoiceable: true,
              min_amount_cents: 100,
              properties: { amount: "1" },
            },
          ],
        } as never,
      }),
    );
    expect(error).toEqual(validationError({ min_amount_cents: ["not_compatible_with_pay_in_advance"] }));
    expect((await lagoError(lago.plans.findPlan("advance"))).status).toBe(404);
  });

  it("bills the charge's true-up and the commitment fee, each prorated by the days billed", async () => {
    await lago.taxes.createTax({ tax: { name: "VAT", code: "vat_commit", rate: "20" } });
    await lago.billableMetrics.createBillableMetric({
      billable_metric: { name: "Requests", code: "requests", aggregation_type: "count_agg" },
    });
    const plan = await lago.plans.createPlan({
      plan: {
        name: "Committed",
        code: "committed",
        interval: "monthly",
        amount_cents: 3000,
        amount_currency: "EUR",
        pay_in_advance: false,
        minimum_commitment: {
          amount_cents: 100_000,
          invoice_display_name: "Floor",
          tax_codes: ["vat_commit"],
        },
        charges: [
          {
            billable_metric_code: "requests",
            charge_model: "standard",
            min_amount_cents: 31_000,
            properties: { amount: "1" },
          },
        ],
      } as never,
    });
    await lago.customers.createCustomer({
      customer: { external_id: "committed", name: "Committed Co", currency: "EUR" },
    });
    const subscription = (
      await lago.subscriptions.createSubscription({
        subscription: {
          external_customer_id: "committed",
          plan_code: "committed",
          external_id: "committed-sub",
        },
      })
    ).data.subscription;
    await lago.events.createBatchEvents({
      events: ["a", "b", "c"].map((id) => ({
        transaction_id: `committed-${id}`,
        code: "requests",
        external_subscription_id: "committed-sub",
      })),
    });
    await control(runtime, "/_local/drain");
    const periodEnd = subscription.current_billing_period_ending_at as string;
    await control(runtime, "/_local/tick", { now: new Date(Date.parse(periodEnd) + 1000).toISOString() });

    // The first period runs from the subscription's day (UTC) to the month's end: at the default
    // clock (17 June) 14 of 30 days, so base 3000 × 14/30 = 1400; minimum 31000 × 14/30 = 14466.67,
    // less 300 used → true-up 14167; commitment 100000 × 14/30 = 46666.67 → 46667, less
    // 1400 + 300 + 14167 → 30800, taxed 20 % → 6160. The amounts keep both true-ups due even on a
    // month's last day (1 day billed), where the suite also runs.
    const billedDays = utcDaysInclusive(subscription.started_at ?? CONTRACT_CLOCK_START, periodEnd);
    const periodDays = utcDaysInclusive(`${periodEnd.slice(0, 8)}01`, periodEnd);
    const base = cents((3000 * billedDays) / periodDays);
    const trueUp = cents((31_000 * billedDays) / periodDays - 300);
    const commitment = cents((100_000 * billedDays) / periodDays) - (base + 300 + trueUp);

    const [listed] = (await lago.invoices.findAllInvoices({ external_customer_id: "committed" })).data
      .invoices;
    const invoice = (await lago.invoices.findInvoice(listed?.lago_id ?? "")).data.invoice;
    const fees = invoice.fees ?? [];
    expect(fees.map((fee) => [fee.item.type, fee.amount_cents, fee.taxes_amount_cents])).toEqual([
      ["subscription", base, 0],
      ["charge", 300, 0],
      ["charge", trueUp, 0],
      ["commitment", commitment, cents(commitment * 0.2)],
    ]);
    const [, parent, trueUpFee, commitmentFee] = fees;
    expect(parent).toMatchObject({
      lago_true_up_fee_id: trueUpFee?.lago_id,
      lago_true_up_parent_fee_id: null,
      units: "3.0",
    });
    expect(trueUpFee).toMatchObject({
      lago_true_up_fee_id: null,
      lago_true_up_parent_fee_id: parent?.lago_id,
      lago_charge_id: plan.data.plan.charges?.[0]?.lago_id,
      units: "1.0",
      events_count: 0,
      item: { type: "charge", code: "requests", item_type: "BillableMetric" },
    });
    expect(commitmentFee?.item).toMatchObject({
      type: "commitment",
      code: "committed",
      name: "Committed",
      invoice_display_name: "Floor",
      lago_item_id: plan.data.plan.minimum_commitment?.lago_id,
      item_type: "Commitment",
    });
    expect(invoice).toMatchObject({
      fees_amount_cents: base + 300 + trueUp + commitment,
      taxes_amount_cents: cents(commitment * 0.2),
      total_amount_cents: base + 300 + trueUp + commitment + cents(commitment * 0.2),
    });
  });
});
