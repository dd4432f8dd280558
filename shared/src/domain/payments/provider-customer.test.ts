import { describe, expect, it } from "vitest";
import { type Customer, EMPTY_LEGAL_DETAILS } from "../catalog.js";
import type { CustomerPaymentProvider } from "./customer-payment-provider.js";
import {
  asksForProviderCustomer,
  needsProviderCustomer,
  providerCustomerKey,
  stripeCustomerParams,
} from "./provider-customer.js";

const synced: CustomerPaymentProvider = {
  provider: "stripe",
  code: "stripe",
  providerCustomerId: null,
  syncWithProvider: true,
  paymentMethods: ["card"],
};

const customer: Customer = {
  ...EMPTY_LEGAL_DETAILS,
  id: "7c1e0f3a-0000-4000-8000-000000000001",
  organizationId: "org-1",
  externalId: "acme",
  sequentialId: 1,
  name: null,
  firstname: "Ada",
  lastname: "Lovelace",
  customerType: null,
  phone: "+33 1 23 45 67 89",
  url: null,
  currency: "EUR",
  timezone: null,
  invoiceGracePeriodDays: null,
  netPaymentTermDays: null,
  documentLocale: null,
  taxCodes: [],
  metadata: [],
  email: " ada@example.com,billing@example.com",
  addressLine1: "1 rue de la Paix",
  city: "Paris",
  zipcode: "75002",
  country: "FR",
  createdAt: "2026-05-01T00:00:00.000Z",
  updatedAt: "2026-05-01T00:00:00.000Z",
};

describe("a customer's Stripe customer", () => {
  it("is owed to a Stripe customer synced with its provider and with no id there yet", () => {
    expect(needsProviderCustomer({ paymentProvider: synced })).toBe(true);
    expect(needsProviderCustomer({ paymentProvider: { ...synced, providerCustomerId: "cus_1" } })).toBe(
      false,
    );
    expect(needsProviderCustomer({ paymentProvider: { ...synced, syncWithProvider: false } })).toBe(false);
    expect(needsProviderCustomer({ paymentProvider: null })).toBe(false);
    expect(needsProviderCustomer({})).toBe(false);
    expect(needsProviderCustomer(undefined)).toBe(false);
  });

  it("is asked for by a write that sends sync_with_provider: true, as Lago's create and update", () => {
    const waiting = { paymentProvider: synced };
    expect(asksForProviderCustomer(waiting, { payment_provider: "stripe", sync_with_provider: true })).toBe(
      true,
    );
    expect(asksForProviderCustomer(waiting, { sync_with_provider: true })).toBe(true);
    // An update that does not send it again (a new name) asks for nothing.
    expect(asksForProviderCustomer(waiting, undefined)).toBe(false);
    expect(asksForProviderCustomer(waiting, { payment_provider: "stripe" })).toBe(false);
    expect(asksForProviderCustomer(waiting, { sync_with_provider: false })).toBe(false);
    // Sent with an id, or leaving none to create: nothing either.
    expect(
      asksForProviderCustomer(
        { paymentProvider: { ...synced, providerCustomerId: "cus_1" } },
        { sync_with_provider: true, provider_customer_id: "cus_1" },
      ),
    ).toBe(false);
    expect(asksForProviderCustomer({ paymentProvider: null }, { sync_with_provider: true })).toBe(false);
  });

  it("is created under one key per Lago customer", () => {
    expect(providerCustomerKey(customer.id)).toBe(providerCustomerKey(customer.id));
    expect(providerCustomerKey(customer.id)).not.toBe(providerCustomerKey("another"));
  });

  it("is asked with Lago's payload: the name or the names joined, the first email, address, phone, metadata", () => {
    expect(stripeCustomerParams(customer)).toEqual({
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: "+33 1 23 45 67 89",
      address: {
        city: "Paris",
        country: "FR",
        line1: "1 rue de la Paix",
        line2: null,
        postal_code: "75002",
        state: null,
      },
      metadata: { lago_customer_id: customer.id, customer_id: "acme" },
    });
    expect(stripeCustomerParams({ ...customer, name: "Acme Corp" }).name).toBe("Acme Corp");
    expect(stripeCustomerParams({ ...customer, name: "  ", lastname: null }).name).toBe("Ada");
    expect(stripeCustomerParams({ ...customer, email: "" }).email).toBeNull();
    expect(stripeCustomerParams({ ...customer, email: null }).email).toBeNull();
  });
});
