import { describe, expect, it } from "vitest";
import { type CustomerPaymentProvider, paymentProviderAfter } from "./customer-payment-provider.js";

const stripe: CustomerPaymentProvider = {
  provider: "stripe",
  code: "stripe",
  providerCustomerId: "cus_1",
  syncWithProvider: false,
  paymentMethods: ["card", "sepa_debit"],
};

describe("a customer's payment provider", () => {
  it("starts with Lago's defaults: the deployment's connection, card, no id, no sync", () => {
    expect(paymentProviderAfter(null, { payment_provider: "stripe" })).toEqual({
      kind: "set",
      provider: {
        provider: "stripe",
        code: "stripe",
        providerCustomerId: null,
        syncWithProvider: false,
        paymentMethods: ["card"],
      },
    });
  });

  it("keeps what is not sent again, and is removed by a null provider", () => {
    expect(paymentProviderAfter(stripe, undefined)).toEqual({ kind: "set", provider: stripe });
    expect(paymentProviderAfter(stripe, { invoice_grace_period: 1 } as never)).toEqual({
      kind: "set",
      provider: stripe,
    });
    expect(paymentProviderAfter(stripe, { provider_customer_id: "cus_2" })).toEqual({
      kind: "set",
      provider: { ...stripe, providerCustomerId: "cus_2" },
    });
    expect(paymentProviderAfter(stripe, { payment_provider: null })).toEqual({ kind: "set", provider: null });
  });

  it("refuses what Lago refuses", () => {
    expect(paymentProviderAfter(null, { payment_provider: "paypal" })).toEqual({
      kind: "invalid",
      field: "payment_provider",
      code: "value_is_invalid",
    });
    // A provider Lago knows with no connection in this deployment, or another connection's code.
    expect(paymentProviderAfter(null, { payment_provider: "gocardless" })).toEqual({ kind: "not_found" });
    expect(
      paymentProviderAfter(null, { payment_provider: "stripe", payment_provider_code: "other" }),
    ).toEqual({ kind: "not_found" });
    for (const methods of [["cash"], ["link"], ["customer_balance", "card"]])
      expect(
        paymentProviderAfter(null, { payment_provider: "stripe", provider_payment_methods: methods }),
      ).toEqual({ kind: "invalid", field: "provider_payment_methods", code: "value_is_invalid" });
    expect(
      paymentProviderAfter(null, { payment_provider: "stripe", provider_payment_methods: ["card", "link"] }),
    ).toMatchObject({ kind: "set", provider: { paymentMethods: ["card", "link"] } });
  });
});
