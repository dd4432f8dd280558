import type { Organization } from "#shared/domain/catalog.js";

/**
 * The code of an organization's default billing entity, which stands for the organization here.
 * Lago makes it from the organization's name as Rails' `parameterize(separator: "_")` does:
 * accents dropped, every run of other characters one underscore, lowercase ("Acme Inc." →
 * "acme_inc"). Lago keeps the code it made at creation; we derive it from the current name.
 */
export function billingEntityCode(organization: Pick<Organization, "name">): string {
  return organization.name
    .normalize("NFKD")
    .replace(/\p{Mn}/gu, "")
    .replace(/[^a-z0-9\-_]+/gi, "_")
    .replace(/_{2,}/g, "_")
    .replace(/^_|_$/g, "")
    .toLowerCase();
}
