import type { AddOn } from "#shared/domain/catalog.js";
import { invalid } from "#shared/platform/http/errors.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { requireTaxes } from "../taxes/require-taxes.js";

/**
 * Saves a changed add-on, under its new code when it was renamed (which must be free: 422
 * `value_already_exist`, nothing written). Invoices already issued keep what they copied of it.
 */
export async function updateAddOn(store: CatalogStore, addOn: AddOn, updated: AddOn): Promise<void> {
  await requireTaxes(store, addOn.organizationId, updated.taxCodes);
  try {
    await store.write(store.addOnSave(updated, addOn.code));
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
}
