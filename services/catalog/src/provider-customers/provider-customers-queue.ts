import type { ProviderCustomerMessage } from "#shared/contracts/provider-customer-messages.js";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { providerCustomersQueue, resourceName } from "#shared/platform/resources.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import type { OwedProviderCustomer } from "#shared/store/catalog-store.js";

/** The message asking for an owed provider customer. */
export function providerCustomerRequest(owed: OwedProviderCustomer): ProviderCustomerMessage {
  return {
    kind: "create_provider_customer",
    organizationId: owed.organizationId,
    externalCustomerId: owed.externalCustomerId,
    customerId: owed.customerId,
    requestedAt: owed.owedAt,
  };
}

/** `CatalogDeps.requestProviderCustomers` as deployed: one message each on the provider-customers queue. */
export async function enqueueProviderCustomers(owed: readonly OwedProviderCustomer[]): Promise<void> {
  await enqueueMessages(
    sqsClient(),
    resourceName(providerCustomersQueue),
    owed.map((entry) => JSON.stringify(providerCustomerRequest(entry))),
  );
}
