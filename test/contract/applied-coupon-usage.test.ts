/**
 * Applied coupons as invoicing has spent them, through lago-javascript-client on the local
 * runtime: real finalizations take a `once` fixed coupon down until it is used up (then it is
 * terminated, for the lists and their status filter) and count a recurring one's invoices down.
 * The seats plan bills 2.00 EUR a seat, whatever the contract clock.
 */
import type { AppliedCouponObjectExtended } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { type Lago, startContractRuntime } from "../support/lago.js";
import { billFiveSeats, billNextSeatsPeriod, createSeatsPlan } from "../support/seats-billing.js";

let runtime: LocalRuntime;
let lago: Lago;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
  await createSeatsPlan(lago);
});
afterAll(() => runtime?.stop());

/** Bills the customer's next period with `seats` seats. */
async function billNextPeriod(customer: string, seats: number, transaction: string): Promise<void> {
  await billNextSeatsPeriod(runtime, lago, customer, seats, transaction);
}

async function customerCoupons(customer: string, status?: "active" | "terminated") {
  return (await lago.customers.findAllCustomerAppliedCoupons(customer, status ? { status } : {})).data
    .applied_coupons as AppliedCouponObjectExtended[];
}

describe("applied coupons as invoicing spent them", () => {
  it("a once fixed coupon shows what each invoice left, then terminated when used up", async () => {
    await lago.customers.createCustomer({
      customer: { external_id: "spender", name: "Spender", currency: "EUR" } as never,
    });
    await lago.coupons.createCoupon({
      coupon: {
        name: "Fifteen",
        code: "fifteen",
        coupon_type: "fixed_amount",
        amount_cents: 1_500,
        amount_currency: "EUR",
        frequency: "once",
        expiration: "no_expiration",
      } as never,
    });
    const applied = (
      await lago.appliedCoupons.applyCoupon({
        applied_coupon: { external_customer_id: "spender", coupon_code: "fifteen" },
      })
    ).data.applied_coupon;
    expect(applied.amount_cents_remaining).toBe(1_500);

    // 10.00 EUR taken of 15.00: 5.00 left.
    await billFiveSeats(runtime, lago, "spender");
    expect(await customerCoupons("spender")).toEqual([
      { ...applied, amount_cents_remaining: 500, credits: [] },
    ]);

    // 6.00 EUR takes the 5.00 left: used up, the coupon is terminated.
    await billNextPeriod("spender", 3, "spender-2");
    const [usedUp] = await customerCoupons("spender");
    expect(usedUp).toEqual({
      ...applied,
      status: "terminated",
      amount_cents_remaining: 0,
      terminated_at: expect.any(String),
      credits: [],
    });
    expect(Date.parse(usedUp?.terminated_at as string)).toBeGreaterThan(Date.parse(applied.created_at));
    expect(await customerCoupons("spender", "active")).toEqual([]);
    expect(
      (
        await lago.appliedCoupons.findAllAppliedCoupons({
          external_customer_id: "spender",
          status: "terminated",
        })
      ).data.applied_coupons.map((a) => a.lago_id),
    ).toEqual([applied.lago_id]);
  });

  it("a recurring coupon counts its invoices down, then is terminated", async () => {
    await lago.customers.createCustomer({
      customer: { external_id: "counter", name: "Counter", currency: "EUR" } as never,
    });
    await lago.coupons.createCoupon({
      coupon: {
        name: "Twice",
        code: "twice",
        coupon_type: "percentage",
        percentage_rate: "10",
        frequency: "recurring",
        frequency_duration: 2,
        expiration: "no_expiration",
      } as never,
    });
    const applied = (
      await lago.appliedCoupons.applyCoupon({
        applied_coupon: { external_customer_id: "counter", coupon_code: "twice" },
      })
    ).data.applied_coupon;
    expect(applied.frequency_duration_remaining).toBe(2);

    await billFiveSeats(runtime, lago, "counter");
    expect(await customerCoupons("counter")).toEqual([
      { ...applied, frequency_duration_remaining: 1, credits: [] },
    ]);
    await billNextPeriod("counter", 5, "counter-2");
    expect(await customerCoupons("counter")).toEqual([
      {
        ...applied,
        status: "terminated",
        frequency_duration_remaining: 0,
        terminated_at: expect.any(String),
        credits: [],
      },
    ]);
  });
});
