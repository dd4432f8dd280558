import type { Tax } from "#shared/domain/catalog.js";
import { invalid } from "#shared/platform/http/errors.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { taxCodeReferenceWrites } from "./tax-code-references.js";

/**
 * Saves a changed tax; a new code is renamed wherever customers and plans name it. One
 * transaction when it fits, else the references first and the tax with the last of them, so the
 * same request made again finishes an interrupted rename. A taken code is refused before any
 * write.
 */
export async function updateTax(store: CatalogStore, tax: Tax, updated: Tax): Promise<void> {
  const renamed = updated.code !== tax.code;
  if (renamed && (await store.getTax(tax.organizationId, updated.code)))
    throw invalid("code", "value_already_exist");
  const references = renamed
    ? await taxCodeReferenceWrites(store, tax.organizationId, tax.code, updated.code)
    : [];
  await store.writeInChunks(references, store.taxSave(updated, tax.code));
}
