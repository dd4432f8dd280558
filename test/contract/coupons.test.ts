/**
 * Coupons and applied coupons through lago-javascript-client: a coupon created, found, listed,
 * updated, applied to a customer, listed with its application, removed and deleted, with Lago's
 * errors and organization isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  CONTRACT_CLOCK_START,
  daysFrom,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  validationError,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
});
afterAll(() => runtime?.stop());

describe("coupons", () => {
  it("creates a coupon, applies it to a customer and lists it", async () => {
    await lago.customers.createCustomer({ customer: { external_id: "cus_coupon", name: "Coupon Co" } });
    const expirationAt = daysFrom(CONTRACT_CLOCK_START, 30);
    const created = await lago.coupons.createCoupon({
      coupon: {
        name: "Launch",
        code: "launch",
        coupon_type: "fixed_amount",
        amount_cents: 1_500,
        amount_currency: "EUR",
        frequency: "recurring",
        frequency_duration: 3,
        reusable: false,
        expiration: "time_limit",
        expiration_at: expirationAt,
      },
    });
    const coupon = created.data.coupon;
    expect(coupon).toMatchObject({
      code: "launch",
      amount_cents: 1_500,
      amount_currency: "EUR",
      frequency: "recurring",
      frequency_duration: 3,
      reusable: false,
      expiration: "time_limit",
      expiration_at: expirationAt,
      limited_plans: false,
      plan_codes: [],
      terminated_at: null,
    });
    expect((await lago.coupons.findCoupon("launch")).data.coupon).toEqual(coupon);
    const listed = (await lago.coupons.findAllCoupons({ per_page: 10 })).data;
    expect(listed.coupons.map((c) => c.code)).toEqual(["launch"]);
    expect(listed.meta).toMatchObject({ total_count: 1 });

    const applied = (
      await lago.appliedCoupons.applyCoupon({
        applied_coupon: { external_customer_id: "cus_coupon", coupon_code: "launch", amount_cents: 1_000 },
      })
    ).data.applied_coupon;
    expect(applied).toMatchObject({
      lago_coupon_id: coupon.lago_id,
      coupon_code: "launch",
      external_customer_id: "cus_coupon",
      status: "active",
      amount_cents: 1_000,
      amount_currency: "EUR",
      frequency: "recurring",
      frequency_duration_remaining: 3,
      expiration_at: expirationAt,
    });
    // Not reusable: a second application is refused.
    expect(
      await lagoError(
        lago.appliedCoupons.applyCoupon({
          applied_coupon: { external_customer_id: "cus_coupon", coupon_code: "launch" },
        }),
      ),
    ).toEqual(validationError({ coupon: ["coupon_is_not_reusable"] }));

    const all = (
      await lago.appliedCoupons.findAllAppliedCoupons({
        external_customer_id: "cus_coupon",
        status: "active",
        "coupon_code[]": ["launch", "other"],
      })
    ).data;
    expect(all.applied_coupons).toEqual([{ ...applied, credits: [] }]);
    const ofCustomer = (await lago.customers.findAllCustomerAppliedCoupons("cus_coupon")).data;
    expect(ofCustomer.applied_coupons.map((a) => a.lago_id)).toEqual([applied.lago_id]);

    // Applied: only its name, description and expiration change.
    const updated = (
      await lago.coupons.updateCoupon("launch", { coupon: { name: "Launch week", amount_cents: 1 } })
    ).data.coupon;
    expect(updated).toMatchObject({ name: "Launch week", amount_cents: 1_500 });

    const removed = (await lago.customers.deleteAppliedCoupon("cus_coupon", applied.lago_id)).data
      .applied_coupon;
    expect(removed).toMatchObject({ lago_id: applied.lago_id, status: "terminated" });
    expect(removed.terminated_at).not.toBeNull();

    const deleted = (await lago.coupons.destroyCoupon("launch")).data.coupon;
    expect(deleted.lago_id).toBe(coupon.lago_id);
    expect(await lagoError(lago.coupons.findCoupon("launch"))).toEqual(notFoundError("coupon"));
    const afterDeletion = (await lago.appliedCoupons.findAllAppliedCoupons({ "coupon_code[]": ["launch"] }))
      .data;
    expect(afterDeletion.applied_coupons).toEqual([
      expect.objectContaining({ lago_id: applied.lago_id, coupon_deleted_at: expect.any(String) }),
    ]);
  });

  it("answers Lago's errors", async () => {
    expect(
      await lagoError(
        lago.coupons.createCoupon({
          coupon: {
            name: "Half",
            code: "half",
            coupon_type: "percentage",
            frequency: "once",
            expiration: "no_expiration",
          },
        }),
      ),
    ).toEqual(validationError({ percentage_rate: ["value_is_mandatory"] }));
    expect(
      await lagoError(
        lago.appliedCoupons.applyCoupon({
          applied_coupon: { external_customer_id: "nobody", coupon_code: "half" },
        }),
      ),
    ).toEqual(notFoundError("customer"));
    await lago.customers.createCustomer({ customer: { external_id: "cus_errors" } });
    expect(
      await lagoError(
        lago.appliedCoupons.applyCoupon({
          applied_coupon: { external_customer_id: "cus_errors", coupon_code: "half" },
        }),
      ),
    ).toEqual(notFoundError("coupon"));
  });

  it("keeps each organization's coupons to itself", async () => {
    await lago.coupons.createCoupon({
      coupon: {
        name: "Ours",
        code: "ours",
        coupon_type: "percentage",
        percentage_rate: "5",
        frequency: "forever",
        expiration: "no_expiration",
      },
    });
    expect(await lagoError(stranger.coupons.findCoupon("ours"))).toEqual(notFoundError("coupon"));
    expect((await stranger.coupons.findAllCoupons()).data.coupons).toEqual([]);
    expect((await stranger.appliedCoupons.findAllAppliedCoupons()).data.applied_coupons).toEqual([]);
  });
});
