/** A billable setup made through the catalog's own API handler, as a client would make it. */
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "./api-events.js";

export interface SeededCatalog {
  readonly apiKey: string;
  readonly organizationId: string;
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  readonly externalCustomerId: string;
}

export interface SeedOptions {
  readonly name?: string;
  readonly timezone?: string;
  readonly subscriptionAt: string;
  /** When the catalog calls happen (API Gateway's clock). */
  readonly at?: string;
  readonly planAmountCents?: number;
  readonly unitPrice?: string;
  readonly aggregation?: "count_agg" | "sum_agg" | "max_agg";
  readonly gracePeriodDays?: number;
  readonly externalSubscriptionId?: string;
  readonly externalCustomerId?: string;
}

export async function seedCatalog(options: SeedOptions): Promise<SeededCatalog> {
  const at = options.at ?? options.subscriptionAt;
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
    name: options.name ?? "Acme",
    now: at,
  });
  const call = async (routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at });
    if (answer.status !== 200)
      throw new Error(`${routeKey} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const aggregation = options.aggregation ?? "count_agg";
  await call("POST /api/v1/billable_metrics", {
    billable_metric: {
      name: "Usage",
      code: "usage",
      aggregation_type: aggregation,
      field_name: aggregation === "count_agg" ? undefined : "value",
    },
  });
  await call("POST /api/v1/plans", {
    plan: {
      name: "Pro",
      code: "pro",
      interval: "monthly",
      amount_cents: options.planAmountCents ?? 1000,
      amount_currency: "EUR",
      charges: [
        {
          billable_metric_code: "usage",
          charge_model: "standard",
          properties: { amount: options.unitPrice ?? "0.5" },
        },
      ],
    },
  });
  const externalCustomerId = options.externalCustomerId ?? "cus_1";
  await call("POST /api/v1/customers", {
    customer: {
      external_id: externalCustomerId,
      name: "Customer",
      timezone: options.timezone ?? null,
      billing_configuration: { invoice_grace_period: options.gracePeriodDays ?? null },
    },
  });
  const externalSubscriptionId = options.externalSubscriptionId ?? "sub_1";
  const created = await call("POST /api/v1/subscriptions", {
    subscription: {
      external_customer_id: externalCustomerId,
      plan_code: "pro",
      external_id: externalSubscriptionId,
      subscription_at: options.subscriptionAt,
    },
  });
  const subscription = created.subscription as { lago_id: string };
  return {
    apiKey,
    organizationId: organization.id,
    subscriptionId: subscription.lago_id,
    externalSubscriptionId,
    externalCustomerId,
  };
}
