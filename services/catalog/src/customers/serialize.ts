/** The customers API shows customers extended with their taxes (Lago's `includes: taxes`). */
export { serializeCustomerExtended as serializeCustomer } from "#shared/serializers/customer.js";
