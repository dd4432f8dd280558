/**
 * A one-off invoice's fees, as Lago prices them (`POST /invoices`): each add-on fee is its units
 * (1 by default) times its unit price in cents (the add-on's by default), rounded half-up on its
 * own; taxes apply per fee as Lago chooses them for an add-on fee. Pure: ids and time come in.
 */
import type { AddOn, Customer, Tax } from "../catalog.js";
import { lagoDecimal } from "../charge-fees.js";
import type { Invoice, InvoiceAppliedTax, InvoiceFee } from "../invoice.js";
import { initialPaymentStatus, invoiceTotals } from "../invoice.js";
import { decimal, roundHalfUp, subunitToUnit } from "../money.js";
import { feeTaxes, invoiceTaxes } from "../taxes.js";

/** One fee as the request asks for it, its add-on read; null fields take the add-on's. */
export interface OneOffFeeRequest {
  readonly addOn: AddOn;
  /** Decimal string, more than 0; null: 1. */
  readonly units: string | null;
  readonly unitAmountCents: number | null;
  readonly description: string | null;
  readonly invoiceDisplayName: string | null;
  /** The fee's own taxes; null or empty: the add-on's, else the customer's, else the organization's. */
  readonly taxCodes: readonly string[] | null;
}

/**
 * The taxes of an add-on fee, as Lago's precedence has them: the fee's own, else its add-on's,
 * else the customer's, else the organization's default taxes.
 */
export function oneOffTaxCodes(
  fee: Pick<OneOffFeeRequest, "taxCodes" | "addOn">,
  customer: Pick<Customer, "taxCodes">,
  organizationTaxes: readonly Pick<Tax, "code" | "appliedToOrganization">[],
): string[] {
  if (fee.taxCodes?.length) return [...new Set(fee.taxCodes)];
  if (fee.addOn.taxCodes.length) return [...fee.addOn.taxCodes];
  if (customer.taxCodes.length) return [...customer.taxCodes];
  return organizationTaxes.filter((tax) => tax.appliedToOrganization).map((tax) => tax.code);
}

/** An add-on fee priced and taxed (its id and instant given). */
export function oneOffFee(
  request: OneOffFeeRequest,
  context: {
    readonly id: string;
    readonly currency: string;
    readonly at: string;
    readonly taxCodes: readonly string[];
    readonly taxes: ReadonlyMap<string, Tax>;
  },
): InvoiceFee {
  const units = decimal(request.units ?? "1");
  const unitAmountCents = request.unitAmountCents ?? request.addOn.amountCents;
  const preciseAmountCents = units.times(unitAmountCents);
  const amountCents = roundHalfUp(preciseAmountCents);
  const taxCodes = context.taxCodes.filter((code) => context.taxes.has(code));
  const taxed = feeTaxes({ amountCents, taxCodes }, context.taxes);
  return {
    id: context.id,
    feeType: "add_on",
    chargeId: null,
    chargeFilterId: null,
    groupedBy: null,
    billableMetricCode: null,
    itemCode: request.addOn.code,
    itemName: request.addOn.name,
    invoiceDisplayName: request.invoiceDisplayName ?? request.addOn.invoiceDisplayName,
    units: lagoDecimal(units),
    eventsCount: 0,
    amountCents,
    preciseAmountCents: preciseAmountCents.toFixed(),
    taxCodes,
    taxesAmountCents: taxed.amountCents,
    taxesRate: taxed.rate,
    preciseUnitAmount: lagoDecimal(decimal(unitAmountCents).dividedBy(subunitToUnit(context.currency))),
    // A one-off fee covers no period: both ends are the instant it was billed.
    fromDatetime: context.at,
    toDatetime: context.at,
    addOnId: request.addOn.id,
    itemDescription: request.addOn.description,
    description: request.description ?? request.addOn.description,
  };
}

export interface OneOffInvoiceInput {
  readonly id: string;
  /** One id per fee, in the request's order. */
  readonly feeIds: readonly string[];
  readonly organizationId: string;
  readonly customer: Pick<Customer, "id" | "externalId" | "taxCodes">;
  readonly currency: string;
  readonly fees: readonly OneOffFeeRequest[];
  /** The organization's taxes, as they are now. */
  readonly taxes: readonly Tax[];
  readonly timezone: string;
  readonly now: string;
  readonly dates: Pick<Invoice, "issuingDate" | "paymentDueDate" | "netPaymentTermDays">;
}

/**
 * A one-off invoice, finalized at once (its number is the store's to give): its fees, taxes and
 * totals; it bills no subscription and no period.
 */
export function oneOffInvoice(input: OneOffInvoiceInput): Invoice {
  const taxes = new Map(input.taxes.map((tax) => [tax.code, tax]));
  const fees = input.fees.map((request, index) =>
    oneOffFee(request, {
      id: input.feeIds[index] ?? `${input.id}-${index}`,
      currency: input.currency,
      at: input.now,
      taxCodes: oneOffTaxCodes(request, input.customer, input.taxes),
      taxes,
    }),
  );
  const applied = invoiceTaxes(fees, taxes);
  const totals = invoiceTotals(fees, applied);
  const appliedTaxes: InvoiceAppliedTax[] = applied.applied.map(({ tax, baseAmountCents, amountCents }) => ({
    taxId: tax.id,
    taxCode: tax.code,
    taxName: tax.name,
    taxDescription: tax.description,
    taxRate: tax.rate,
    feesAmountCents: baseAmountCents,
    amountCents,
  }));
  return {
    id: input.id,
    organizationId: input.organizationId,
    customerId: input.customer.id,
    externalCustomerId: input.customer.externalId,
    subscriptionId: "",
    externalSubscriptionId: "",
    invoiceType: "one_off",
    status: "finalized",
    paymentStatus: initialPaymentStatus(totals.totalAmountCents),
    sequentialId: null,
    number: "",
    ...input.dates,
    billingDate: input.dates.issuingDate,
    currency: input.currency,
    timezone: input.timezone,
    periodStartsAt: input.now,
    periodEndsAt: input.now,
    fees,
    appliedTaxes,
    ...totals,
    createdAt: input.now,
    updatedAt: input.now,
    finalizedAt: input.now,
    billingPeriods: [],
  };
}
