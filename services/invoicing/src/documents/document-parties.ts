/**
 * The parties of a printed document as Lago prints them on invoices and credit notes alike: the
 * organization issuing it and the customer it is for, each with its legal details and address.
 * Pure.
 */
import type { Customer, LegalDetails, Organization } from "#shared/domain/catalog.js";
import type { DocumentParty } from "./document-model.js";

/** Legal details and address as printed under a party's name, empty ones left out. */
function detailLines(details: LegalDetails): string[] {
  const cityLine = [details.zipcode, details.city].filter(Boolean).join(" ");
  return [
    details.legalName,
    details.legalNumber ? `Legal number: ${details.legalNumber}` : null,
    details.taxIdentificationNumber ? `Tax ID: ${details.taxIdentificationNumber}` : null,
    details.addressLine1,
    details.addressLine2,
    cityLine || null,
    details.state,
    details.country,
    details.email,
  ].filter((line): line is string => typeof line === "string" && line.trim() !== "");
}

export function issuerOf(organization: Organization): DocumentParty {
  return { heading: organization.name, lines: detailLines(organization) };
}

/** The customer's name as Lago prints it: its name, else its first and last names, else its external id. */
function customerName(customer: Customer): string {
  const person = [customer.firstname, customer.lastname].filter(Boolean).join(" ");
  return customer.name || person || customer.externalId;
}

/** The customer; one the catalog no longer has is printed by the external id the document keeps. */
export function recipientOf(
  document: { readonly externalCustomerId: string },
  customer: Customer | undefined,
): DocumentParty {
  if (!customer) return { heading: document.externalCustomerId, lines: [] };
  const person = [customer.firstname, customer.lastname].filter(Boolean).join(" ");
  const contact = customer.name && person ? [person] : [];
  return { heading: customerName(customer), lines: [...contact, ...detailLines(customer)] };
}
