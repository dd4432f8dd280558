/**
 * The one wiring of the system: which handler serves which routes, which consumer drains which
 * queue, which job the billing clock runs, and what each function may touch. The CDK stack
 * (`infra/billing-stack.ts`) and the local runtime (`infra/local/`) both read this list, so what
 * runs locally is what is deployed.
 */
import { aggregateRoutes } from "../services/aggregate/src/routes.js";
import { catalogRoutes } from "../services/catalog/src/routes.js";
import { ingestRoutes } from "../services/ingest/src/routes.js";
import { BUNDLED_FONTS_FOLDER, FONT_FILES } from "../services/invoicing/src/documents/font-files.js";
import { invoicingRoutes, stripeWebhookRoutes } from "../services/invoicing/src/routes.js";
import { webhooksRoutes } from "../services/webhooks/src/routes.js";
import {
  billingJobsQueue,
  billingTable,
  clockScansQueue,
  documentsBucket,
  documentsQueue,
  eventBus,
  eventsQueue,
  eventsTable,
  invoicingTable,
  providerCustomersQueue,
  type QueueSpec,
  type SecretSpec,
  stripeSecret,
  type TableSpec,
  usageTable,
  webhookDeliveriesQueue,
  webhookEventsQueue,
  webhookEventsRule,
  webhooksTable,
} from "../shared/src/platform/resources.js";

export type Access = "read" | "readWrite";

export interface QueueConsumer {
  readonly queue: QueueSpec;
  /** Messages per invocation; the local poller receives the same number. */
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Upper bound on concurrent invocations, so a backlog cannot starve DynamoDB or other functions. */
  readonly maxConcurrency: number;
}

export interface FunctionSpec {
  /** Logical id; also the Powertools service name in logs. */
  readonly id: string;
  readonly description: string;
  /** Module path from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** API Gateway route keys (`METHOD /path`) this function serves; `$default` catches the rest. */
  readonly routes?: readonly string[];
  readonly consumes?: QueueConsumer;
  /** Runs on the billing clock; receives `{ "now": "<ISO instant>" }`. */
  readonly scheduled?: { readonly everyMinutes: number };
  readonly tables: ReadonlyArray<readonly [TableSpec, Access]>;
  readonly sendsTo?: readonly QueueSpec[];
  readonly publishesDomainEvents?: boolean;
  readonly documents?: Access;
  /** Queues whose dead-letter queue it sends to itself (a webhook delivery past its last attempt). */
  readonly deadLettersTo?: readonly QueueSpec[];
  /** Signs webhooks: told the API's URL (`LAGO_API_URL`), the issuer of jwt signatures. */
  readonly signsWebhooks?: boolean;
  /** Secrets it reads (granted read, named to it in their `envVar`). */
  readonly secrets?: readonly SecretSpec[];
  /** Package files copied into its bundle (`target`, from the bundle's root), read at run time. */
  readonly bundledFiles?: ReadonlyArray<{ readonly packagePath: string; readonly target: string }>;
}

/** `$default` catches every request no route matches, so unknown paths get Lago's 404 body. */
export const DEFAULT_ROUTE = "$default";

/** How often the billing clock runs; 15 minutes bills every IANA offset within 15 minutes. */
export const BILLING_CLOCK_MINUTES = 15;

/** `events.errors` is Lago's hourly report; a run covers the last closed hours not reported yet. */
export const EVENTS_ERRORS_MINUTES = 60;

/**
 * The webhooks service: every domain event reaches the dispatcher's queue by a bus rule, the
 * dispatcher makes one delivery per subscribed endpoint, and the deliverer makes the HTTP attempts.
 * It owns the webhooks table; it reads the catalog's endpoints and organizations (hmac keys).
 */
const webhookFunctions: readonly FunctionSpec[] = [
  {
    id: "webhook-dispatcher",
    description: "Webhooks: each domain event to one delivery per subscribed endpoint",
    entry: "services/webhooks/src/handlers/dispatcher.ts",
    memoryMiB: 512,
    timeoutSeconds: 30,
    consumes: { queue: webhookEventsQueue, batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
    tables: [
      [billingTable, "read"],
      [webhooksTable, "readWrite"],
    ],
    sendsTo: [webhookDeliveriesQueue],
  },
  {
    id: "webhook-deliverer",
    description: "Webhooks: one signed HTTP attempt per message, retried with backoff, then dead-lettered",
    entry: "services/webhooks/src/handlers/deliverer.ts",
    memoryMiB: 512,
    // Ten attempts of a batch run at once, each at most the HTTP timeout (30 s by default).
    timeoutSeconds: 60,
    consumes: {
      queue: webhookDeliveriesQueue,
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 20,
    },
    tables: [
      [billingTable, "read"],
      [webhooksTable, "readWrite"],
    ],
    // Its retries are new messages on its own queue, delayed by the backoff.
    sendsTo: [webhookDeliveriesQueue],
    deadLettersTo: [webhookDeliveriesQueue],
    signsWebhooks: true,
  },
  {
    id: "webhooks-api",
    description: "Webhooks API: the jwt public key, an endpoint's deliveries, resends",
    entry: "services/webhooks/src/handlers/api.ts",
    memoryMiB: 512,
    timeoutSeconds: 10,
    routes: webhooksRoutes,
    tables: [
      [billingTable, "read"],
      // The signing key is made on first use; a resend starts a new series of attempts.
      [webhooksTable, "readWrite"],
    ],
    sendsTo: [webhookDeliveriesQueue],
  },
];

export const functions: readonly FunctionSpec[] = [
  {
    id: "ingest-api",
    description: "POST /events and /events/batch: validate, authenticate, enqueue",
    entry: "services/ingest/src/handlers/api.ts",
    memoryMiB: 1024,
    timeoutSeconds: 10,
    routes: ingestRoutes,
    tables: [[billingTable, "read"]],
    sendsTo: [eventsQueue],
  },
  {
    id: "aggregate-consumer",
    description: "Stores queued events once and folds them into usage aggregates",
    entry: "services/aggregate/src/handlers/events-consumer.ts",
    memoryMiB: 1024,
    timeoutSeconds: 30,
    consumes: { queue: eventsQueue, batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 20 },
    tables: [
      [billingTable, "read"],
      [eventsTable, "readWrite"],
      [usageTable, "readWrite"],
    ],
    // A late event's period is told to invoicing, which redoes that period's draft.
    sendsTo: [billingJobsQueue],
  },
  {
    id: "aggregate-api",
    description: "Events read API, current and past usage",
    entry: "services/aggregate/src/handlers/api.ts",
    memoryMiB: 512,
    timeoutSeconds: 10,
    routes: aggregateRoutes,
    tables: [
      [billingTable, "read"],
      // Past usage names each period's invoice.
      [invoicingTable, "read"],
      [eventsTable, "read"],
      [usageTable, "read"],
    ],
  },
  {
    id: "catalog-api",
    description: "Organizations, webhook endpoints, taxes, billable metrics, plans, customers, subscriptions",
    entry: "services/catalog/src/handlers/api.ts",
    memoryMiB: 512,
    timeoutSeconds: 10,
    routes: [...catalogRoutes, DEFAULT_ROUTE],
    tables: [
      [billingTable, "readWrite"],
      // Applied coupons show what invoicing has spent of them (its coupon usage), read only.
      [invoicingTable, "read"],
    ],
    // Subscription changes are told to invoicing (a termination's final invoice is made at once);
    // a customer synced with Stripe with no id there is asked for at Stripe.
    sendsTo: [billingJobsQueue, providerCustomersQueue],
    // customer.* and subscription.* events, owed in the write of their change.
    publishesDomainEvents: true,
  },
  {
    id: "catalog-clock",
    description: "Catalog clock: starts, ends and switches due subscriptions, and tells invoicing of changes",
    entry: "services/catalog/src/handlers/clock.ts",
    memoryMiB: 512,
    timeoutSeconds: 300,
    scheduled: { everyMinutes: BILLING_CLOCK_MINUTES },
    tables: [[billingTable, "readWrite"]],
    // Notices to invoicing, and the provider customers a request's change left owed.
    sendsTo: [billingJobsQueue, providerCustomersQueue],
    // The events its transitions owe, and any a request's change left owed.
    publishesDomainEvents: true,
  },
  {
    id: "catalog-provider-customers",
    description:
      "Creates Stripe customers for customers synced with Stripe, records their ids, owes customer.payment_provider_*",
    entry: "services/catalog/src/handlers/provider-customers.ts",
    memoryMiB: 512,
    // Stripe's SDK: 8 s per attempt, 3 attempts at most, per message of a batch.
    timeoutSeconds: 30,
    consumes: {
      queue: providerCustomersQueue,
      batchSize: 5,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 5,
    },
    tables: [[billingTable, "readWrite"]],
    publishesDomainEvents: true,
    secrets: [stripeSecret],
  },
  {
    id: "aggregate-event-errors",
    description: "Hourly events.errors: each organization's events of the hour just closed that Lago reports",
    entry: "services/aggregate/src/handlers/event-errors-clock.ts",
    memoryMiB: 256,
    timeoutSeconds: 120,
    scheduled: { everyMinutes: EVENTS_ERRORS_MINUTES },
    // Reads the hour's notes and error records; marks each organization's hour reported.
    tables: [[eventsTable, "readWrite"]],
    publishesDomainEvents: true,
  },
  {
    id: "invoicing-api",
    description: "Invoices API",
    entry: "services/invoicing/src/handlers/api.ts",
    memoryMiB: 512,
    timeoutSeconds: 10,
    routes: invoicingRoutes,
    tables: [
      [billingTable, "read"],
      // Refreshing and finalizing a draft write invoicing's own items, pricing usage as the
      // workers do; the catalog, events and usage are read only.
      [invoicingTable, "readWrite"],
      [eventsTable, "read"],
      [usageTable, "read"],
    ],
    // A finalization or a void publishes its event (invoice.created, invoice.voided) at once.
    publishesDomainEvents: true,
    // A download asks the documents renderer for an invoice's PDF; invoices show it presigned.
    sendsTo: [documentsQueue],
    documents: "read",
    // A finalization collects the invoice's payment (Stripe), as retry_payment does.
    secrets: [stripeSecret],
  },
  {
    id: "invoicing-stripe-webhooks",
    description:
      "Stripe's webhooks: a verified payment_intent.succeeded or payment_failed settles its invoice",
    entry: "services/invoicing/src/handlers/stripe-webhooks.ts",
    memoryMiB: 512,
    timeoutSeconds: 10,
    routes: stripeWebhookRoutes,
    tables: [
      [billingTable, "read"],
      [invoicingTable, "readWrite"],
      [eventsTable, "read"],
      [usageTable, "read"],
    ],
    publishesDomainEvents: true,
    documents: "read",
    secrets: [stripeSecret],
  },
  {
    id: "invoicing-clock",
    description: "Billing clock: fans the scan of its due index out, one message per shard",
    entry: "services/invoicing/src/handlers/clock.ts",
    memoryMiB: 256,
    timeoutSeconds: 30,
    scheduled: { everyMinutes: BILLING_CLOCK_MINUTES },
    tables: [],
    // Its scans, and one review of the drafts for the workers.
    sendsTo: [clockScansQueue, billingJobsQueue],
  },
  {
    id: "invoicing-clock-scanner",
    description: "Scans one page of the billing clock's due index into one job per due subscription",
    entry: "services/invoicing/src/handlers/clock-scanner.ts",
    memoryMiB: 512,
    timeoutSeconds: 60,
    consumes: { queue: clockScansQueue, batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
    tables: [[invoicingTable, "read"]],
    // A shard with more than a page continues in another invocation.
    sendsTo: [billingJobsQueue, clockScansQueue],
  },
  {
    id: "invoicing-worker",
    description:
      "Invoicing's inbox: bills due periods, follows subscription changes, redoes drafts late usage changed",
    entry: "services/invoicing/src/handlers/billing-worker.ts",
    memoryMiB: 1024,
    timeoutSeconds: 30,
    consumes: { queue: billingJobsQueue, batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
    tables: [
      // Reads the catalog; writes only invoicing's own items.
      [billingTable, "read"],
      [invoicingTable, "readWrite"],
      [eventsTable, "read"],
      [usageTable, "read"],
    ],
    publishesDomainEvents: true,
    // The drafts review fans out one job per draft due, to its own inbox.
    sendsTo: [billingJobsQueue],
    // The invoices its events carry show their PDF's presigned URL.
    documents: "read",
    // A finalization collects the invoice's payment (Stripe).
    secrets: [stripeSecret],
  },
  {
    id: "documents-renderer",
    description: "Renders invoices' PDFs off the request path, stores them, and owes invoice.generated",
    entry: "services/invoicing/src/handlers/documents-renderer.ts",
    // Rendering is CPU-bound: more memory is more CPU on Lambda.
    memoryMiB: 1536,
    timeoutSeconds: 60,
    consumes: { queue: documentsQueue, batchSize: 5, maxBatchingWindowSeconds: 0, maxConcurrency: 5 },
    tables: [
      // The organization's and customer's details are read from the catalog; it writes invoicing's own.
      [billingTable, "read"],
      [invoicingTable, "readWrite"],
    ],
    publishesDomainEvents: true,
    documents: "readWrite",
    // Publishing an invoice's events carries out the collection its finalization owes.
    secrets: [stripeSecret],
    // The fonts documents are set in; no other function carries them.
    bundledFiles: Object.values(FONT_FILES).map((font) => ({
      packagePath: font.packagePath,
      target: `${BUNDLED_FONTS_FOLDER}/${font.file}`,
    })),
  },
  ...webhookFunctions,
];

export const resources = {
  tables: [billingTable, invoicingTable, eventsTable, usageTable, webhooksTable],
  busRules: [webhookEventsRule],
  queues: [
    eventsQueue,
    billingJobsQueue,
    clockScansQueue,
    documentsQueue,
    webhookEventsQueue,
    webhookDeliveriesQueue,
    providerCustomersQueue,
  ],
  eventBus,
  documentsBucket,
  secrets: [stripeSecret],
} as const;

/** Every public route key with the function serving it. */
export function routeTable(): ReadonlyArray<{ routeKey: string; fn: FunctionSpec }> {
  return functions.flatMap((fn) => (fn.routes ?? []).map((routeKey) => ({ routeKey, fn })));
}
