import type { Tax } from "#shared/domain/catalog.js";

export function serializeTax(tax: Tax) {
  return {
    lago_id: tax.id,
    name: tax.name,
    code: tax.code,
    description: tax.description,
    rate: Number(tax.rate),
    applied_to_organization: tax.appliedToOrganization,
    created_at: tax.createdAt,
  };
}
