import { randomUUID } from "node:crypto";
import { type AddOn, applicableTimezone, type Organization } from "#shared/domain/catalog.js";
import type { Invoice } from "#shared/domain/invoice.js";
import { applicableNetPaymentTermDays, finalizationDates } from "#shared/domain/invoices/issuing-dates.js";
import { type OneOffFeeRequest, oneOffInvoice } from "#shared/domain/invoices/one-off-fees.js";
import { AmountOutOfRangeError } from "#shared/domain/money.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { stableUuid } from "#shared/platform/ids.js";
import type { StoredInvoice } from "../store/invoice-store.js";
import { numberingPlan } from "./number-invoice.js";
import { publishInvoiceEvents } from "./publish-invoice-events.js";
import type { InvoiceChangeDeps } from "./refresh-draft.js";

/** An invoice whose amounts no client can read exactly (past 2^53 − 1 cents) is refused: a 422. */
function priced(build: () => Invoice): Invoice {
  let invoice: Invoice;
  try {
    invoice = build();
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) throw invalid("fees", "value_is_out_of_range");
    throw error;
  }
  if (!Number.isSafeInteger(invoice.totalAmountCents)) throw invalid("fees", "value_is_out_of_range");
  return invoice;
}

/** One fee of the request, its add-on named by code. */
export interface OneOffFeeInput extends Omit<OneOffFeeRequest, "addOn"> {
  readonly addOnCode: string;
}

export interface OneOffInvoiceRequest {
  readonly organization: Organization;
  readonly externalCustomerId: string;
  readonly currency: string | null;
  readonly fees: readonly OneOffFeeInput[];
  readonly now: string;
}

/**
 * A one-off invoice (`POST /invoices`), as Lago's `Invoices::CreateOneOffService` makes it: for an
 * existing customer (404 `customer_not_found`), at least one fee (404 `fees_not_found`), every
 * add-on existing (404 `add_on_not_found`), every tax named existing (404 `tax_not_found`), in
 * the customer's currency when it has one (422 `currencies_does_not_match` otherwise). It is
 * finalized at once: numbered in the customer's or organization's sequence in the same
 * transaction that saves it, issued on the customer's local date, payment pending (settled if it
 * is zero), and owes `invoice.one_off_created`, published once. Nothing is written on a refusal.
 *
 * Unlike Lago, a customer without a currency is not given this one: the catalog owns customers.
 * As in Lago, every request makes a new invoice: a client retrying after a timeout makes a second
 * one unless it looks first (README, one-off invoices).
 */
export async function createOneOffInvoice(
  deps: InvoiceChangeDeps,
  request: OneOffInvoiceRequest,
): Promise<StoredInvoice> {
  const { organization } = request;
  const customer = await deps.catalog.getCustomer(organization.id, request.externalCustomerId);
  if (!customer) throw notFound("customer");
  if (request.fees.length === 0) throw notFound("fees");
  const codes = [...new Set(request.fees.map((fee) => fee.addOnCode))];
  const [addOns, taxes] = await Promise.all([
    Promise.all(codes.map((code) => deps.catalog.getAddOn(organization.id, code))),
    deps.catalog.listTaxes(organization.id),
  ]);
  const byCode = new Map<string, AddOn>();
  for (const addOn of addOns) {
    if (!addOn) throw notFound("add_on");
    byCode.set(addOn.code, addOn);
  }
  const taxCodes = new Set(taxes.map((tax) => tax.code));
  if (request.fees.some((fee) => fee.taxCodes?.some((code) => !taxCodes.has(code)))) throw notFound("tax");
  const currency = request.currency ?? customer.currency;
  if (!currency) throw invalid("currency", "value_is_mandatory");
  if (customer.currency && customer.currency !== currency)
    throw invalid("currency", "currencies_does_not_match");

  const timezone = applicableTimezone(customer, organization);
  const dates = finalizationDates(
    request.now,
    timezone,
    applicableNetPaymentTermDays(customer, organization),
  );
  const id = randomUUID();
  const invoice = priced(() =>
    oneOffInvoice({
      id,
      feeIds: request.fees.map((_, index) => stableUuid(id, "one_off_fee", String(index))),
      organizationId: organization.id,
      customer,
      currency,
      fees: request.fees.map(({ addOnCode, ...fee }) => ({ ...fee, addOn: byCode.get(addOnCode) as AddOn })),
      taxes,
      timezone,
      now: request.now,
      dates,
    }),
  );
  const saved = await deps.invoices.saveOnce(
    invoice,
    numberingPlan(organization, customer, dates.issuingDate),
  );
  await publishInvoiceEvents(deps, organization.id, id);
  return saved.invoice;
}
