import type { TaxObject } from "lago-javascript-client";
import type { Organization, Tax } from "#shared/domain/catalog.js";
import { billingEntityCode } from "./billing-entity.js";
import type { LagoShape } from "./lago-shape.js";

/**
 * Lago's fields the client does not type: counts of what uses the tax, which Lago's tax serializer
 * always sends as 0.
 */
interface TaxCounts {
  readonly add_ons_count: 0;
  readonly customers_count: 0;
  readonly plans_count: 0;
  readonly charges_count: 0;
  readonly commitments_count: 0;
}

/**
 * A tax as Lago embeds it in customers, plans and charges (`V1::TaxSerializer`), which leaves out
 * the billing entities it applies to.
 */
export function serializeTax(tax: Tax) {
  return {
    lago_id: tax.id,
    name: tax.name,
    code: tax.code,
    description: tax.description,
    rate: Number(tax.rate),
    applied_to_organization: tax.appliedToOrganization,
    add_ons_count: 0,
    customers_count: 0,
    plans_count: 0,
    charges_count: 0,
    commitments_count: 0,
    created_at: tax.createdAt,
  } satisfies LagoShape<TaxObject, "applied_to_billing_entities_codes"> & TaxCounts;
}

/** A tax as the taxes API shows it (`V1::TaxWithBillingEntitiesSerializer`). */
export function serializeTaxWithBillingEntities(tax: Tax, organization: Pick<Organization, "name">) {
  return {
    ...serializeTax(tax),
    // The organization is its own and only billing entity: a tax applied to it applies to that one.
    applied_to_billing_entities_codes: tax.appliedToOrganization ? [billingEntityCode(organization)] : [],
  } satisfies LagoShape<TaxObject> & TaxCounts;
}
