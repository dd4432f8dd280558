/**
 * Integration tests run against a real moto_server, started here on a free loopback port and
 * stopped after, with the wiring's resources provisioned exactly as the local runtime does.
 */
import { randomUUID } from "node:crypto";
import { type RunningEmulator, startMotoServer } from "../../infra/local/moto.js";
import { type Provisioned, provisionResources } from "../../infra/local/provision.js";
import { resetAwsClients } from "../../shared/src/platform/aws-clients.js";

export interface AwsHarness {
  readonly moto: RunningEmulator;
  readonly provisioned: Provisioned;
  stop(): Promise<void>;
}

/**
 * `webhooks`: provision the bus rule taking every domain event to the webhook events queue. Off by
 * default: a test that never drains that queue would fill it, and moto slows down as a queue fills.
 */
export async function startAwsHarness(options: { readonly webhooks?: boolean } = {}): Promise<AwsHarness> {
  const moto = await startMotoServer();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  const provisioned = await provisionResources(`t-${randomUUID().slice(0, 8)}`, {
    busRules: options.webhooks ?? false,
  });
  Object.assign(process.env, provisioned.environment);
  resetAwsClients();
  return {
    moto,
    provisioned,
    stop: async () => {
      resetAwsClients();
      await moto.stop();
    },
  };
}
