/**
 * Creates an organization and prints its API key, in a deployed stack (or any emulator):
 *
 *   BILLING_TABLE=<BillingTableName output> npm run create-organization -- "Acme Inc"
 *
 * Uses the caller's AWS credentials; only the key's hash is stored, so the key is shown this once.
 */
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";

const name = process.argv.slice(2).join(" ").trim();
if (!name || !process.env.BILLING_TABLE) {
  console.error(
    'Usage: BILLING_TABLE=<BillingTableName stack output> npm run create-organization -- "<name>"',
  );
  process.exit(2);
}
const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
  name,
  now: new Date().toISOString(),
});
console.log(
  JSON.stringify(
    { organization: { lago_id: organization.id, name: organization.name }, api_key: apiKey },
    null,
    2,
  ),
);
