/**
 * The credit note of a pay-in-advance subscription's unused days at its termination, through
 * lago-javascript-client on the local runtime: `on_termination_credit_note` on
 * `destroySubscription`, the note found with `findAllCreditNotes`, `skip` making none, an unknown
 * value refused as Lago refuses it. Anniversary periods, so that every contract clock (a 1st, a
 * 31st, a 29 February) leaves whole days unused; every date is relative to the contract clock.
 */
import type { CreditNoteObject } from "lago-javascript-client";
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
  await lago.plans.createPlan({
    plan: {
      name: "Ahead yearly day",
      code: "ahead_anniversary",
      interval: "monthly",
      amount_cents: 3000,
      amount_currency: "EUR",
      pay_in_advance: true,
    } as never,
  });
});
afterAll(() => runtime?.stop());

/** Ten minutes after the contract clock's start: the same UTC day at every contract clock. */
const LATER_THAT_DAY = new Date(Date.parse(CONTRACT_CLOCK_START) + 10 * 60_000).toISOString();

/** A customer subscribed at the clock's start on an anniversary period, its first month billed. */
async function subscribed(id: string) {
  await lago.customers.createCustomer({ customer: { external_id: id, name: id, currency: "EUR" } });
  const subscription = (
    await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: id,
        plan_code: "ahead_anniversary",
        external_id: `${id}-sub`,
        billing_time: "anniversary",
      },
    })
  ).data.subscription;
  await control(runtime, "/_local/drain");
  const [invoice] = (await lago.invoices.findAllInvoices({ external_customer_id: id })).data.invoices;
  if (!invoice) throw new Error("the first month was not billed");
  const periodDays = utcDaysInclusive(
    subscription.current_billing_period_started_at as string,
    subscription.current_billing_period_ending_at as string,
  );
  return { invoice, periodDays };
}

const creditNotesOf = async (externalCustomerId: string): Promise<CreditNoteObject[]> =>
  (await lago.creditNotes.findAllCreditNotes({ external_customer_id: externalCustomerId })).data.credit_notes;

describe("termination credit notes through Lago's client", () => {
  it("credits the unused days of the month paid ahead on its invoice; skip makes none; an unknown choice is a 422", async () => {
    const credited = await subscribed("ended-credit");
    const skipped = await subscribed("ended-skip");
    // The whole month was billed ahead at once.
    expect(credited.invoice.total_amount_cents).toBe(3000);
    expect(skipped.invoice.total_amount_cents).toBe(3000);
    await control(runtime, "/_local/tick", { now: LATER_THAT_DAY });

    expect(
      await lagoError(
        lago.subscriptions.destroySubscription("ended-credit-sub", {
          on_termination_credit_note: "later" as never,
        }),
      ),
    ).toEqual(validationError({ on_termination_credit_note: ["invalid_value"] }));

    const terminated = (
      await lago.subscriptions.destroySubscription("ended-credit-sub", {
        on_termination_credit_note: "credit",
      })
    ).data.subscription;
    expect(terminated.status).toBe("terminated");
    await lago.subscriptions.destroySubscription("ended-skip-sub", { on_termination_credit_note: "skip" });
    await control(runtime, "/_local/drain");

    // Terminated on its first day: every later day of the period comes back.
    const unused = cents((3000 * (credited.periodDays - 1)) / credited.periodDays);
    const notes = await creditNotesOf("ended-credit");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      lago_invoice_id: credited.invoice.lago_id,
      invoice_number: credited.invoice.number,
      number: `${credited.invoice.number}-CN001`,
      reason: "order_cancellation",
      credit_status: "available",
      refund_status: null,
      currency: "EUR",
      sub_total_excluding_taxes_amount_cents: unused,
      total_amount_cents: unused,
      credit_amount_cents: unused,
      refund_amount_cents: 0,
      balance_amount_cents: unused,
    } satisfies Partial<Record<keyof CreditNoteObject, unknown>>);
    expect(notes[0]?.items).toEqual([
      expect.objectContaining({ amount_cents: unused, fee: expect.objectContaining({ amount_cents: 3000 }) }),
    ]);
    expect(await creditNotesOf("ended-skip")).toEqual([]);
  });
});
