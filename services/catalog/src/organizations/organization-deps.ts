import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";

export interface OrganizationDeps {
  readonly organizations: OrganizationStore;
  readonly catalog: CatalogStore;
}
