/**
 * Coupons on invoices through lago-javascript-client on the local runtime: a customer's applied
 * coupons are taken at finalization, before taxes, shown as Lago's credits, counted down (a `once`
 * fixed coupon until its amount is used, a recurring one invoice by invoice), and a voided invoice
 * gives back what it took. The seats plan bills 2.00 EUR a seat, whatever the contract clock.
 */
import type { InvoiceObject } from "lago-javascript-client";
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

/** Bills the customer's next period with `seats` seats; its invoices, newest first. */
const billNextPeriod = (customer: string, seats: number, transaction: string): Promise<InvoiceObject[]> =>
  billNextSeatsPeriod(runtime, lago, customer, seats, transaction);

describe("coupons on invoices", () => {
  it("a once fixed coupon is taken before taxes until used up; a void gives it back", async () => {
    await lago.customers.createCustomer({
      customer: { external_id: "couponed", name: "Couponed", currency: "EUR" } as never,
    });
    await lago.coupons.createCoupon({
      coupon: {
        name: "Welcome",
        code: "welcome",
        coupon_type: "fixed_amount",
        amount_cents: 1_500,
        amount_currency: "EUR",
        frequency: "once",
        expiration: "no_expiration",
      } as never,
    });
    const applied = (
      await lago.appliedCoupons.applyCoupon({
        applied_coupon: { external_customer_id: "couponed", coupon_code: "welcome" },
      })
    ).data.applied_coupon;

    // 10.00 EUR: the coupon takes all of it and keeps 5.00.
    const [first] = await billFiveSeats(runtime, lago, "couponed");
    const shown = (await lago.invoices.findInvoice(first?.lago_id as string)).data.invoice;
    expect(shown).toMatchObject({
      fees_amount_cents: 1_000,
      coupons_amount_cents: 1_000,
      sub_total_excluding_taxes_amount_cents: 0,
      total_amount_cents: 0,
      payment_status: "succeeded",
    });
    expect(shown.credits).toEqual([
      {
        lago_id: expect.any(String),
        amount_cents: 1_000,
        amount_currency: "EUR",
        before_taxes: true,
        item: { lago_item_id: applied.lago_id, type: "coupon", code: "welcome", name: "Welcome" },
        invoice: { lago_id: shown.lago_id, payment_status: "succeeded" },
      },
    ]);
    expect(shown.fees?.find((fee) => fee.amount_cents === 1_000)?.precise_coupons_amount_cents).toBe(
      "1000.0",
    );

    // The next period (3 seats, 6.00) takes the 5.00 left; the one after, nothing.
    const second = (await billNextPeriod("couponed", 3, "couponed-2")).find(
      (invoice) => invoice.lago_id !== first?.lago_id,
    );
    expect(second).toMatchObject({
      fees_amount_cents: 600,
      coupons_amount_cents: 500,
      total_amount_cents: 100,
    });

    // Voided, the second invoice gives its 5.00 back: the next period takes them again.
    await lago.invoices.voidInvoice(second?.lago_id as string);
    const third = (await billNextPeriod("couponed", 4, "couponed-3")).find(
      (invoice) => invoice.lago_id !== first?.lago_id && invoice.lago_id !== second?.lago_id,
    );
    expect(third).toMatchObject({
      fees_amount_cents: 800,
      coupons_amount_cents: 500,
      total_amount_cents: 300,
    });
    const fourth = (await billNextPeriod("couponed", 1, "couponed-4")).find(
      (invoice) => ![first?.lago_id, second?.lago_id, third?.lago_id].includes(invoice.lago_id),
    );
    expect(fourth).toMatchObject({
      fees_amount_cents: 200,
      coupons_amount_cents: 0,
      total_amount_cents: 200,
    });
  });

  it("a recurring percentage coupon takes its rate for its number of invoices", async () => {
    await lago.customers.createCustomer({
      customer: { external_id: "percent", name: "Percent", currency: "EUR" } as never,
    });
    await lago.coupons.createCoupon({
      coupon: {
        name: "Tenth",
        code: "tenth",
        coupon_type: "percentage",
        percentage_rate: "10",
        frequency: "recurring",
        frequency_duration: 1,
        expiration: "no_expiration",
      } as never,
    });
    await lago.appliedCoupons.applyCoupon({
      applied_coupon: { external_customer_id: "percent", coupon_code: "tenth" },
    });
    const [first] = await billFiveSeats(runtime, lago, "percent");
    expect(first).toMatchObject({
      fees_amount_cents: 1_000,
      coupons_amount_cents: 100,
      total_amount_cents: 900,
    });
    const second = (await billNextPeriod("percent", 5, "percent-2")).find(
      (invoice) => invoice.lago_id !== first?.lago_id,
    );
    expect(second).toMatchObject({
      fees_amount_cents: 1_000,
      coupons_amount_cents: 0,
      total_amount_cents: 1_000,
    });
  });
});
