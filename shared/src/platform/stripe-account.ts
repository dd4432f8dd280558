/**
 * The deployment's Stripe account: its secret API key and its webhook signing secret, kept in
 * Secrets Manager (one secret, named by `STRIPE_SECRET_NAME`, JSON `{ "secret_key", "webhook_secret" }`),
 * read once per container and kept in memory only: never written to a table, a log line or an
 * error. `STRIPE_API_URL` (set by the local runtime and the tests only) points the SDK at a
 * stand-in of Stripe's API.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import Stripe from "stripe";
import { z } from "zod";

export interface StripeAccount {
  readonly client: Stripe;
  readonly webhookSecret: string;
}

/** The secret's environment variable, set by the stack and the local runtime. */
export const STRIPE_SECRET_ENV = "STRIPE_SECRET_NAME";
/** A stand-in for Stripe's API (`http://127.0.0.1:12111`): local runtime and tests only. */
export const STRIPE_API_URL_ENV = "STRIPE_API_URL";

const secretShape = z.object({ secret_key: z.string().min(1), webhook_secret: z.string().min(1) });

/** Stripe's SDK on `secretKey`, pointed at `apiUrl` when one is given. */
export function stripeClient(secretKey: string, apiUrl = process.env[STRIPE_API_URL_ENV]): Stripe {
  const url = apiUrl ? new URL(apiUrl) : undefined;
  return new Stripe(secretKey, {
    ...(url
      ? {
          host: url.hostname,
          port: Number(url.port || (url.protocol === "http:" ? 80 : 443)),
          protocol: url.protocol === "http:" ? "http" : "https",
        }
      : {}),
    // A connection error is retried by the SDK with the same idempotency key.
    maxNetworkRetries: 2,
    timeout: 8_000,
    telemetry: false,
  });
}

/** The account could not be read: says which secret, never what it holds. */
export class StripeAccountError extends Error {
  constructor(reason: string) {
    super(`the Stripe account's secret cannot be used: ${reason}`);
    this.name = "StripeAccountError";
  }
}

async function load(): Promise<StripeAccount> {
  const name = process.env[STRIPE_SECRET_ENV];
  if (!name) throw new StripeAccountError(`${STRIPE_SECRET_ENV} is not set`);
  const { SecretString } = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: name }),
  );
  let parsed: z.infer<typeof secretShape>;
  try {
    // JSON.parse's and zod's messages may quote the secret: neither is passed on.
    parsed = secretShape.parse(JSON.parse(SecretString ?? ""));
  } catch {
    throw new StripeAccountError("it is not JSON with secret_key and webhook_secret");
  }
  return { client: stripeClient(parsed.secret_key), webhookSecret: parsed.webhook_secret };
}

let account: Promise<StripeAccount> | undefined;

/** The account, read on first use and cached for the container's life (a failed read is tried again). */
export function stripeAccount(): Promise<StripeAccount> {
  account ??= load().catch((error: unknown) => {
    account = undefined;
    throw error;
  });
  return account;
}

/** Forgets the cached account, so the next use reads the secret again (tests). */
export function resetStripeAccount(): void {
  account = undefined;
}
