/**
 * The AWS resources the services use, named once. The CDK stack and the local runtime both build
 * them from `infra/wiring.ts`, and pass their physical names to the handlers through these
 * environment variables, so handler code never knows which runtime it is in.
 */
import { DOMAIN_EVENT_SOURCE_PREFIX } from "../contracts/domain-events.js";

export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Attributes copied into the index besides the keys; "ALL" copies the whole item. */
  readonly projection: "ALL" | "KEYS_ONLY" | readonly string[];
}

export interface TableSpec {
  readonly id: string;
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexSpec[];
  /** Items carrying this attribute (epoch seconds) are deleted by DynamoDB once it has passed. */
  readonly ttlAttribute: string;
}

export interface QueueSpec {
  readonly id: string;
  /** Environment variable that holds the queue URL. */
  readonly envVar: string;
  /** Six times the consumer's timeout, as AWS recommends for Lambda event sources. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly retentionDays: number;
  /** Set when a function sends to the dead-letter queue itself: the variable holding its URL. */
  readonly deadLetterEnvVar?: string;
}

/** An EventBridge rule on the domain event bus taking every event whose source has a prefix into a queue. */
export interface BusRuleSpec {
  readonly id: string;
  readonly sourcePrefix: string;
  readonly queue: QueueSpec;
}

export const TTL_ATTRIBUTE = "expiresAt";

/** The catalog's: organizations, API keys, metrics, plans, customers, subscriptions, taxes. */
export const billingTable = {
  id: "billing",
  envVar: "BILLING_TABLE",
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "ALL" },
    // Sparse: only subscriptions with a transition to make (a start, an end, a plan switch) or a
    // change invoicing has not been told of carry `duePk`, so the catalog clock reads those only.
    {
      name: "due",
      partitionKey: "duePk",
      sortKey: "dueAt",
      projection: ["organizationId", "externalId", "id"],
    },
  ],
  ttlAttribute: TTL_ATTRIBUTE,
} as const satisfies TableSpec;

/** What the invoice list indexes keep of an invoice beside their keys: what the filters read. */
const INVOICE_LIST_PROJECTION = [
  "id",
  "customerId",
  "number",
  "currency",
  "invoiceType",
  "totalAmountCents",
  "totalPaidAmountCents",
  "paymentOverdue",
  "metadata",
] as const;

/** Invoicing's: invoices, their numbering counters, and each subscription's billing schedule. */
export const invoicingTable = {
  id: "invoicing",
  envVar: "INVOICING_TABLE",
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "ALL" },
    // Sparse: only schedules with a period still to bill carry `duePk`, so the billing clock reads
    // the subscriptions that are due, not every subscription.
    {
      name: "due",
      partitionKey: "duePk",
      sortKey: "dueAt",
      projection: ["organizationId", "externalSubscriptionId", "subscriptionId"],
    },
    // Invoice lists (docs/invoice-lists.md): one partition per (organization, status, payment
    // status), and per (organization, customer, status, payment status), newest issuing date
    // first; they hold what the rarer filters read, so a filter or a count never reads invoices.
    // DynamoDB creates one GSI per table update: a stack deployed before them adds them one by one.
    { name: "invoiceLists", partitionKey: "listPk", sortKey: "listSk", projection: INVOICE_LIST_PROJECTION },
    {
      name: "customerInvoiceLists",
      partitionKey: "customerListPk",
      sortKey: "listSk",
      projection: INVOICE_LIST_PROJECTION,
    },
    // Fee lists: every invoice of the organization, oldest first, with its fees' types and metrics.
    {
      name: "feeLists",
      partitionKey: "feeListPk",
      sortKey: "feeListSk",
      projection: ["externalCustomerId", "externalSubscriptionId", "currency", "paymentStatus", "feeKeys"],
    },
  ],
  ttlAttribute: TTL_ATTRIBUTE,
} as const satisfies TableSpec;

/** Raw usage events, one item per (organization, external_subscription_id, transaction_id). */
export const eventsTable = {
  id: "events",
  envVar: "EVENTS_TABLE",
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [],
  ttlAttribute: TTL_ATTRIBUTE,
} as const satisfies TableSpec;

/** Pre-aggregated usage per subscription, billable metric and period. */
export const usageTable = {
  id: "usage",
  envVar: "USAGE_TABLE",
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [],
  ttlAttribute: TTL_ATTRIBUTE,
} as const satisfies TableSpec;

/**
 * The webhooks service's: one delivery per (domain event, endpoint) with its attempts, and the
 * deployment's key pair signing `jwt` webhooks.
 */
export const webhooksTable = {
  id: "webhooks",
  envVar: "WEBHOOKS_TABLE",
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [
    // An endpoint's deliveries, newest first (GET /webhook_endpoints/{lago_id}/webhooks).
    { name: "endpointWebhooks", partitionKey: "endpointPk", sortKey: "createdSk", projection: "ALL" },
  ],
  ttlAttribute: TTL_ATTRIBUTE,
} as const satisfies TableSpec;

export const tables = [billingTable, invoicingTable, eventsTable, usageTable, webhooksTable] as const;

/** Accepted usage events, packed many to a message by the ingest API. */
export const eventsQueue = {
  id: "events",
  envVar: "EVENTS_QUEUE_URL",
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
  retentionDays: 14,
} as const satisfies QueueSpec;

/**
 * Invoicing's inbox: a due subscription from the billing clock, a subscription change from the
 * catalog, a late event's period from the usage side (shared/src/contracts/invoicing-messages.ts).
 */
export const billingJobsQueue = {
  id: "billing-jobs",
  envVar: "BILLING_JOBS_QUEUE_URL",
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
  retentionDays: 14,
} as const satisfies QueueSpec;

/**
 * The billing clock's fan-out: one message per slice of its due index to scan, each scanned by its
 * own invocation, so a run that finds 100,000 due subscriptions is done in one scheduled run.
 */
export const clockScansQueue = {
  id: "clock-scans",
  envVar: "CLOCK_SCANS_QUEUE_URL",
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  retentionDays: 1,
} as const satisfies QueueSpec;

/**
 * Invoicing's documents to render (an invoice's PDF asked by `POST /invoices/{id}/download`), each
 * rendered off the request path by the documents renderer and stored in the documents bucket.
 */
export const documentsQueue = {
  id: "documents",
  envVar: "DOCUMENTS_QUEUE_URL",
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  retentionDays: 4,
} as const satisfies QueueSpec;

/** Every domain event on the bus (a rule on the sources' prefix), for the webhook dispatcher. */
export const webhookEventsQueue = {
  id: "webhook-events",
  envVar: "WEBHOOK_EVENTS_QUEUE_URL",
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
  retentionDays: 14,
} as const satisfies QueueSpec;

/**
 * One message per HTTP attempt of one delivery; a retry is a new message delayed by the backoff.
 * After its last attempt a delivery is sent to the dead-letter queue itself (hence its variable).
 */
export const webhookDeliveriesQueue = {
  id: "webhook-deliveries",
  envVar: "WEBHOOK_DELIVERIES_QUEUE_URL",
  deadLetterEnvVar: "WEBHOOK_DELIVERIES_DLQ_URL",
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  retentionDays: 14,
} as const satisfies QueueSpec;

/**
 * The catalog's customers to create at their payment provider (Stripe, for a customer synced with
 * it and with no provider customer id yet), each created off the request path by the catalog's
 * provider-customers function.
 */
export const providerCustomersQueue = {
  id: "provider-customers",
  envVar: "PROVIDER_CUSTOMERS_QUEUE_URL",
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
  retentionDays: 14,
} as const satisfies QueueSpec;

export const queues = [
  eventsQueue,
  billingJobsQueue,
  clockScansQueue,
  documentsQueue,
  webhookEventsQueue,
  webhookDeliveriesQueue,
  providerCustomersQueue,
] as const;

export const eventBus = { id: "domain-events", envVar: "EVENT_BUS_NAME" } as const;
export const documentsBucket = { id: "documents", envVar: "DOCUMENTS_BUCKET" } as const;

/** A secret in Secrets Manager; functions that read it get its name in `envVar`. */
export interface SecretSpec {
  readonly id: string;
  readonly envVar: string;
  readonly description: string;
}

/**
 * The deployment's Stripe account (one per deployment): JSON `{ "secret_key", "webhook_secret" }`,
 * read by the functions that collect payments, take Stripe's webhooks or create Stripe customers.
 */
export const stripeSecret = {
  id: "stripe",
  envVar: "STRIPE_SECRET_NAME",
  description: "Stripe account: secret API key and webhook signing secret",
} as const satisfies SecretSpec;

/** Every service's domain events (their sources share the prefix), to the webhook dispatcher's queue. */
export const webhookEventsRule = {
  id: "webhook-events",
  sourcePrefix: DOMAIN_EVENT_SOURCE_PREFIX,
  queue: webhookEventsQueue,
} as const satisfies BusRuleSpec;

/** Number of partitions of a due index (the clocks'); spreads a large run over keys. */
export const DUE_INDEX_SHARDS = 4;

export function resourceName(spec: { envVar: string }): string {
  const value = process.env[spec.envVar];
  if (!value) throw new Error(`Environment variable ${spec.envVar} is not set`);
  return value;
}
