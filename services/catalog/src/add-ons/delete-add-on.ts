import type { AddOn } from "#shared/domain/catalog.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

/**
 * Deletes an add-on; its code is free again. Lago keeps a discarded add-on for the invoices that
 * name it: ours copy what they show of it (id, code, name) into their fees, so nothing reads it
 * after.
 */
export async function deleteAddOn(store: CatalogStore, addOn: AddOn): Promise<void> {
  await store.write([store.addOnRemoval(addOn)]);
}
