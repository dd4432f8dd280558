import { describe, expect, it } from "vitest";
import type { AddOn } from "#shared/domain/catalog.js";
import { oneOffInvoice } from "#shared/domain/invoices/one-off-fees.js";
import { customer, organization } from "#shared/serializers/test-fixtures.js";
import { serializeInvoice } from "./serialize.js";

const AT = "2026-03-10T09:00:00.000Z";
const addOn: AddOn = {
  id: "7f000000-0000-4000-8000-0000000000a1",
  organizationId: organization.id,
  name: "Setup fee",
  code: "setup",
  invoiceDisplayName: "Setup (once)",
  description: "Onboarding",
  amountCents: 50_000,
  amountCurrency: "EUR",
  taxCodes: [],
  createdAt: AT,
};
const invoice = {
  ...oneOffInvoice({
    id: "1a2b3c4d-0000-4000-8000-0000000000f1",
    feeIds: ["fee-1"],
    organizationId: organization.id,
    customer: { ...customer, taxCodes: [] },
    currency: "EUR",
    fees: [
      {
        addOn,
        units: "3",
        unitAmountCents: null,
        description: null,
        invoiceDisplayName: null,
        taxCodes: null,
      },
    ],
    taxes: [],
    timezone: "UTC",
    now: AT,
    dates: { issuingDate: "2026-03-10", paymentDueDate: "2026-03-10", netPaymentTermDays: 0 },
  }),
  sequentialId: 1,
  number: "ACM-001-001",
};

describe("one-off invoice serializer", () => {
  it("shows add-on fees as Lago does, with no subscription and no billing period", () => {
    for (const shown of [
      serializeInvoice(invoice),
      serializeInvoice(invoice, { organization, customer, subscriptions: [] }),
    ]) {
      expect(shown).toMatchObject({
        invoice_type: "one_off",
        subscriptions: [],
        billing_periods: [],
        fees_amount_cents: 150_000,
      });
      expect(shown.fees[0]).toMatchObject({
        lago_subscription_id: null,
        external_subscription_id: null,
        units: "3.0",
        amount_cents: 150_000,
        precise_unit_amount: "500.0",
        description: "Onboarding",
        total_aggregated_units: null,
        pay_in_advance: false,
        item: {
          type: "add_on",
          code: "setup",
          name: "Setup fee",
          description: "Onboarding",
          invoice_display_name: "Setup (once)",
          lago_item_id: addOn.id,
          item_type: "AddOn",
          grouped_by: {},
        },
      });
    }
  });
});
