import { notFound } from "#shared/platform/http/errors.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

/** Tax codes a request names must exist: Lago answers 404 `tax_not_found` otherwise. */
export async function requireTaxes(
  store: CatalogStore,
  organizationId: string,
  codes: readonly string[],
): Promise<void> {
  const found = await Promise.all(
    [...new Set(codes)].map((taxCode) => store.getTax(organizationId, taxCode)),
  );
  if (found.some((tax) => !tax)) throw notFound("tax");
}
