import type { AddOn } from "#shared/domain/catalog.js";
import { invalid } from "#shared/platform/http/errors.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { requireTaxes } from "../taxes/require-taxes.js";

/** Stores a new add-on: its taxes must exist (404 `tax_not_found`), its code must be free (422). */
export async function createAddOn(store: CatalogStore, addOn: AddOn): Promise<void> {
  await requireTaxes(store, addOn.organizationId, addOn.taxCodes);
  try {
    await store.createAddOn(addOn);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
}
