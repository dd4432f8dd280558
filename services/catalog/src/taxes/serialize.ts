export { serializeTax, serializeTaxWithBillingEntities } from "#shared/serializers/tax.js";
