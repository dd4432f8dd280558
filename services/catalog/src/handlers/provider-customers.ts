import { providerCustomerMessage } from "#shared/contracts/provider-customer-messages.js";
import { createLogger } from "#shared/platform/logger.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { stripeAccount } from "#shared/platform/stripe-account.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { catalogEventPublisher } from "../events/catalog-publisher.js";
import {
  createProviderCustomer,
  type ProviderCustomerDeps,
} from "../provider-customers/create-provider-customer.js";

const logger = createLogger("catalog-provider-customers");

let deps: ProviderCustomerDeps | undefined;
/** The catalog's own table, the bus, the deployment's Stripe account (read once per container). */
const dependencies = (): ProviderCustomerDeps => {
  deps ??= {
    catalog: new CatalogStore(),
    organizations: new OrganizationStore(),
    publish: catalogEventPublisher(),
    stripe: stripeAccount,
  };
  return deps;
};

/**
 * The provider-customers queue's consumer: creates each asked customer at Stripe and records its
 * id, at the instant of the change that asked for it (the function reads no clock).
 */
export const handler = createQueueConsumer({
  service: "catalog-provider-customers",
  message: providerCustomerMessage,
  handleMessage: async (message) => {
    const outcome = await createProviderCustomer(dependencies(), message, message.requestedAt);
    logger.info("provider customer asked", { customerId: message.customerId, outcome: outcome.kind });
  },
});
