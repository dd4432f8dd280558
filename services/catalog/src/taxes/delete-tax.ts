import type { Tax } from "#shared/domain/catalog.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { taxCodeReferenceWrites } from "./tax-code-references.js";

/**
 * Deletes a tax and removes its code from the customers and plans naming it: one transaction
 * when it fits, else the references first and the tax with the last of them.
 */
export async function deleteTax(store: CatalogStore, tax: Tax): Promise<void> {
  const references = await taxCodeReferenceWrites(store, tax.organizationId, tax.code, null);
  await store.writeInChunks(references, [store.taxRemoval(tax)]);
}
