/**
 * A stand-in for the few Stripe API endpoints the Stripe adapter calls, served over local HTTP and
 * driven by the real `stripe` SDK (pointed at it by `STRIPE_API_URL`): customers create, retrieve
 * and their payment methods, PaymentIntents create, both creations honouring `Idempotency-Key` (the
 * same key answers the first answer again, as Stripe does, and other parameters under it are
 * Stripe's idempotency error), customers list by email. A created customer has no payment
 * method until a test gives it one (`addCustomer` again). Each Stripe customer says how its payments end:
 * `succeed` at once, `process` (answered later by a webhook), or `decline` (a card error). Its
 * webhooks are signed by the SDK's own `webhooks.generateTestHeaderString`. Refunds create of a
 * succeeded PaymentIntent, up to what is left unrefunded on it, under `Idempotency-Key` as the
 * creations above; a test may have the next refunds answer `pending` or `failed`, or be refused.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export type PaymentBehaviour = "succeed" | "process" | "decline";

export interface StandInCustomer {
  readonly defaultPaymentMethod: string | null;
  readonly paymentMethods: readonly string[];
  readonly behaviour: PaymentBehaviour;
}

/** A PaymentIntent creation as the stand-in received it. */
export interface ReceivedIntent {
  readonly idempotencyKey: string | undefined;
  readonly params: Record<string, unknown>;
  readonly intent: Record<string, unknown>;
}

/** Stripe's form encoding (`metadata[key]=v`, `list[0]=v`) back into objects and arrays. */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const path = name.split(/\[|\]\[|\]/).filter((part) => part !== "");
    let node: Record<string, unknown> = root;
    path.forEach((part, index) => {
      if (index === path.length - 1) node[part] = value;
      else {
        node[part] ??= /^\d+$/.test(path[index + 1] as string) ? [] : {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });

const DECLINE = {
  code: "card_declined",
  decline_code: "generic_decline",
  message: "Your card was declined.",
};

/** A customer creation as the stand-in received it, and the customer it answered (none: refused). */
export interface ReceivedCustomerCreation {
  readonly idempotencyKey: string | undefined;
  readonly params: Record<string, unknown>;
  readonly customerId: string | undefined;
}

/** What a refused customer creation answers: its HTTP status and Stripe's error object. */
export interface CreationRefusal {
  readonly status: number;
  readonly error: { readonly type: string; readonly code?: string; readonly message: string };
}

/** How the next refund creation ends: answered with that status, or refused with that error. */
export type RefundBehaviour =
  | { readonly kind: "pending" }
  | { readonly kind: "failed"; readonly failureReason?: string }
  | { readonly kind: "refuse"; readonly refusal: CreationRefusal };

/** A refund creation as the stand-in received it, and the refund it answered (none: refused). */
export interface ReceivedRefund {
  readonly idempotencyKey: string | undefined;
  readonly params: Record<string, unknown>;
  readonly refundId: string | undefined;
}

export interface StripeStandIn {
  readonly url: string;
  /** Every refund created (one per idempotency key), in order. */
  readonly refunds: Record<string, unknown>[];
  /** Every refund creation request received, replays and refusals included. */
  readonly refundRequests: ReceivedRefund[];
  /** The next refund creations (not replays) end as `behaviours` say, one each, in order. */
  nextRefunds(...behaviours: RefundBehaviour[]): void;
  /** Every customer created (one per idempotency key), in order: its id and what it was created with. */
  readonly createdCustomers: Array<{ readonly id: string; readonly params: Record<string, unknown> }>;
  /** Every customer creation request received, replays included. */
  readonly customerCreations: ReceivedCustomerCreation[];
  /** Creations `when` matches are refused with `refusal` (never remembered under their key, as Stripe). */
  refuseCustomerCreation(when: (params: Record<string, unknown>) => boolean, refusal: CreationRefusal): void;
  /** Every PaymentIntent created (one per idempotency key), in order. */
  readonly intents: Record<string, unknown>[];
  /** Every creation request received, replays included. */
  readonly received: ReceivedIntent[];
  addCustomer(id: string, customer: StandInCustomer): void;
  /** A webhook of `type` for the PaymentIntent, as Stripe sends it: its body and signature header. */
  webhook(
    intentId: string,
    type: "payment_intent.succeeded" | "payment_intent.payment_failed",
    secret: string,
  ): { payload: string; signature: string };
  stop(): Promise<void>;
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const customers = new Map<string, StandInCustomer>();
  const byKey = new Map<string, { status: number; body: unknown }>();
  const intents: Record<string, unknown>[] = [];
  const received: ReceivedIntent[] = [];
  const createdCustomers: StripeStandIn["createdCustomers"] = [];
  const customerCreations: ReceivedCustomerCreation[] = [];
  const customersByKey = new Map<
    string,
    { params: Record<string, unknown>; customer: Record<string, unknown> }
  >();
  const refusals: Array<{ when: (params: Record<string, unknown>) => boolean; refusal: CreationRefusal }> =
    [];
  let sequence = 0;
  const refunds: Record<string, unknown>[] = [];
  const refundRequests: ReceivedRefund[] = [];
  const refundsByKey = new Map<
    string,
    { params: Record<string, unknown>; refund: Record<string, unknown> }
  >();
  const refundBehaviours: RefundBehaviour[] = [];

  const invalidRequest = (message: string, code?: string, param?: string) => ({
    status: 400,
    body: {
      error: {
        type: "invalid_request_error",
        message,
        ...(code ? { code } : {}),
        ...(param ? { param } : {}),
      },
    },
  });

  const createRefund = (key: string | undefined, params: Record<string, unknown>) => {
    const refused = (result: { status: number; body: unknown }) => {
      refundRequests.push({ idempotencyKey: key, params, refundId: undefined });
      return result;
    };
    const replay = key ? refundsByKey.get(key) : undefined;
    if (replay) {
      // Stripe answers a key's first answer only to the same parameters.
      if (JSON.stringify(replay.params) !== JSON.stringify(params))
        return refused({
          status: 400,
          body: {
            error: {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          },
        });
      refundRequests.push({ idempotencyKey: key, params, refundId: String(replay.refund.id) });
      return { status: 200, body: replay.refund };
    }
    const behaviour = refundBehaviours.shift();
    if (behaviour?.kind === "refuse")
      return refused({ status: behaviour.refusal.status, body: { error: behaviour.refusal.error } });
    const intentId = String(params.payment_intent ?? "");
    const intent = intents.find((candidate) => candidate.id === intentId);
    if (!intent)
      return refused(
        invalidRequest(`No such payment_intent: '${intentId}'`, "resource_missing", "payment_intent"),
      );
    if (intent.status !== "succeeded")
      return refused(
        invalidRequest(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`),
      );
    const received = Number(intent.amount_received);
    const left =
      received -
      refunds
        .filter((refund) => refund.payment_intent === intentId && refund.status !== "failed")
        .reduce((sum, refund) => sum + Number(refund.amount), 0);
    const amount = params.amount === undefined ? left : Number(params.amount);
    if (left <= 0)
      return refused(
        invalidRequest(`Charge ch_${intentId} has already been refunded.`, "charge_already_refunded"),
      );
    if (amount > left)
      return refused(
        invalidRequest(
          `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
          undefined,
          "amount",
        ),
      );
    const refund: Record<string, unknown> = {
      id: `re_stand_in_${refunds.length + 1}`,
      object: "refund",
      amount,
      currency: intent.currency,
      charge: `ch_${intentId}`,
      payment_intent: intentId,
      reason: params.reason ?? null,
      metadata: params.metadata ?? {},
      status: behaviour?.kind ?? "succeeded",
      ...(behaviour?.kind === "failed" ? { failure_reason: behaviour.failureReason ?? "unknown" } : {}),
    };
    refunds.push(refund);
    if (key) refundsByKey.set(key, { params, refund });
    refundRequests.push({ idempotencyKey: key, params, refundId: String(refund.id) });
    return { status: 200, body: refund };
  };

  const createCustomer = (key: string | undefined, params: Record<string, unknown>) => {
    const refused = refusals.find((candidate) => candidate.when(params));
    if (refused) {
      customerCreations.push({ idempotencyKey: key, params, customerId: undefined });
      return { status: refused.refusal.status, body: { error: refused.refusal.error } };
    }
    const replay = key ? customersByKey.get(key) : undefined;
    // Stripe answers a key's first answer only to the same parameters.
    if (replay && JSON.stringify(replay.params) !== JSON.stringify(params)) {
      customerCreations.push({ idempotencyKey: key, params, customerId: undefined });
      return {
        status: 400,
        body: {
          error: {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
        },
      };
    }
    const customer = replay?.customer ?? {
      id: `cus_created_${createdCustomers.length + 1}`,
      object: "customer",
      name: params.name ?? null,
      email: params.email ?? null,
      phone: params.phone ?? null,
      address: params.address ?? null,
      metadata: params.metadata ?? {},
      default_source: null,
      invoice_settings: { default_payment_method: null },
    };
    if (!replay) {
      const id = String(customer.id);
      createdCustomers.push({ id, params });
      customers.set(id, { defaultPaymentMethod: null, paymentMethods: [], behaviour: "succeed" });
      if (key) customersByKey.set(key, { params, customer });
    }
    customerCreations.push({ idempotencyKey: key, params, customerId: String(customer.id) });
    return { status: 200, body: customer };
  };

  const createIntent = (params: Record<string, unknown>): { status: number; body: unknown } => {
    const customer = customers.get(String(params.customer));
    if (!customer)
      return {
        status: 400,
        body: {
          error: { type: "invalid_request_error", code: "resource_missing", message: "No such customer" },
        },
      };
    sequence += 1;
    const intent: Record<string, unknown> = {
      id: `pi_stand_in_${sequence}`,
      object: "payment_intent",
      amount: Number(params.amount),
      amount_received: customer.behaviour === "succeed" ? Number(params.amount) : 0,
      currency: params.currency,
      customer: params.customer,
      payment_method: params.payment_method,
      description: params.description,
      metadata: params.metadata ?? {},
      status:
        customer.behaviour === "succeed"
          ? "succeeded"
          : customer.behaviour === "process"
            ? "processing"
            : "requires_payment_method",
      last_payment_error: customer.behaviour === "decline" ? { type: "card_error", ...DECLINE } : null,
    };
    intents.push(intent);
    if (customer.behaviour === "decline")
      return { status: 402, body: { error: { type: "card_error", ...DECLINE, payment_intent: intent } } };
    return { status: 200, body: intent };
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const url = new URL(request.url ?? "/", "http://stand-in");
      const answer = (status: number, payload: unknown) => {
        response.writeHead(status, {
          "content-type": "application/json",
          "request-id": `req_${sequence}`,
          // As Stripe: its own errors are not to be retried at once by the SDK.
          ...(status >= 500 ? { "stripe-should-retry": "false" } : {}),
        });
        response.end(JSON.stringify(payload));
      };
      if (request.method === "GET" && url.pathname === "/v1/customers") {
        // Stripe's list, filtered by `email` as Stripe filters it (exact, case-sensitive).
        const email = url.searchParams.get("email");
        const listed = createdCustomers.filter((created) => email === null || created.params.email === email);
        return answer(200, {
          object: "list",
          url: url.pathname,
          has_more: false,
          data: listed.map((created) => ({
            id: created.id,
            object: "customer",
            email: created.params.email ?? null,
            metadata: created.params.metadata ?? {},
          })),
        });
      }
      const customerPath = url.pathname.match(/^\/v1\/customers\/([^/]+)(\/payment_methods)?$/);
      if (request.method === "GET" && customerPath) {
        const id = decodeURIComponent(customerPath[1] as string);
        const customer = customers.get(id);
        if (!customer)
          return answer(404, {
            error: {
              type: "invalid_request_error",
              code: "resource_missing",
              message: `No such customer: '${id}'`,
            },
          });
        if (customerPath[2])
          return answer(200, {
            object: "list",
            url: url.pathname,
            has_more: false,
            data: customer.paymentMethods.map((pm) => ({ id: pm, object: "payment_method", type: "card" })),
          });
        return answer(200, {
          id,
          object: "customer",
          default_source: null,
          invoice_settings: { default_payment_method: customer.defaultPaymentMethod },
        });
      }
      if (request.method === "POST" && url.pathname === "/v1/customers") {
        const created = createCustomer(
          request.headers["idempotency-key"] as string | undefined,
          parseForm(body),
        );
        return answer(created.status, created.body);
      }
      if (request.method === "POST" && url.pathname === "/v1/payment_intents") {
        const key = request.headers["idempotency-key"] as string | undefined;
        const params = parseForm(body);
        const replay = key ? byKey.get(key) : undefined;
        const result = replay ?? createIntent(params);
        if (key && !replay) byKey.set(key, result);
        received.push({
          idempotencyKey: key,
          params,
          intent: (result.body as { id?: string }).id
            ? (result.body as Record<string, unknown>)
            : ((result.body as { error: { payment_intent: Record<string, unknown> } }).error.payment_intent ??
              {}),
        });
        return answer(result.status, result.body);
      }
      if (request.method === "POST" && url.pathname === "/v1/refunds") {
        const created = createRefund(
          request.headers["idempotency-key"] as string | undefined,
          parseForm(body),
        );
        return answer(created.status, created.body);
      }
      answer(404, {
        error: { type: "invalid_request_error", message: `Unrecognized request URL (${url.pathname})` },
      });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    refunds,
    refundRequests,
    nextRefunds: (...behaviours) => refundBehaviours.push(...behaviours),
    intents,
    received,
    createdCustomers,
    customerCreations,
    refuseCustomerCreation: (when, refusal) => refusals.push({ when, refusal }),
    addCustomer: (id, customer) => customers.set(id, customer),
    webhook(intentId, type, secret) {
      const intent = intents.find((candidate) => candidate.id === intentId);
      if (!intent) throw new Error(`no PaymentIntent ${intentId}`);
      const object =
        type === "payment_intent.succeeded"
          ? { ...intent, status: "succeeded", amount_received: intent.amount, last_payment_error: null }
          : {
              ...intent,
              status: "requires_payment_method",
              last_payment_error: { type: "card_error", ...DECLINE },
            };
      const payload = JSON.stringify({
        id: `evt_${intentId}_${type}`,
        object: "event",
        api_version: "2025-01-01",
        created: 1_780_000_000,
        type,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: { object },
      });
      return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
