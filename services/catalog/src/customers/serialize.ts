export { serializeCustomerExtended as serializeCustomer } from "#shared/serializers/customer.js";
