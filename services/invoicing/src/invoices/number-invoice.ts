import type { Customer, Organization } from "#shared/domain/catalog.js";
import { invoiceNumber } from "#shared/domain/invoice.js";
import type { NumberingPlan } from "../store/invoice-store.js";

/**
 * The sequence a finalized invoice takes its number from, as the organization numbers them: per
 * customer (Lago's default) or one sequence for the whole organization, and how the number is
 * printed (the per-organization number shows the month of `issuingDate`).
 */
export function numberingPlan(
  organization: Pick<Organization, "documentNumbering" | "documentNumberPrefix">,
  customer: Pick<Customer, "id" | "sequentialId">,
  issuingDate: string,
): NumberingPlan {
  return {
    counter:
      organization.documentNumbering === "per_customer"
        ? `invoice#customer#${customer.id}`
        : "invoice#organization",
    format: (sequence) =>
      invoiceNumber(
        { prefix: organization.documentNumberPrefix, scheme: organization.documentNumbering },
        sequence,
        { customerSequentialId: customer.sequentialId, issuingDate },
      ),
  };
}
