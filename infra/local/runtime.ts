/**
 * The whole system on one machine, with the deployed handler code: an emulator for AWS (moto_server
 * started here, or any endpoint in AWS_ENDPOINT_URL such as LocalStack), the resources of the
 * wiring, an HTTP server in API Gateway's place, queue pollers in Lambda's, and the billing clock.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { resetAwsClients } from "../../shared/src/platform/aws-clients.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { BILLING_CLOCK_MINUTES, type FunctionSpec, functions, routeTable } from "../wiring.js";
import { compileRoutes, matchRoute, toApiGatewayEvent, writeResult } from "./api-gateway.js";
import { startBillingClock } from "./billing-clock.js";
import { type LambdaHandler, lambdaContext, loadHandler } from "./lambda-context.js";
import { type RunningEmulator, startMotoServer } from "./moto.js";
import { provisionResources } from "./provision.js";
import { QueuePoller } from "./queue-poller.js";
import { manualClock, type RuntimeClock, wallClock } from "./runtime-clock.js";

export interface LocalRuntimeOptions {
  /** Port of the API; 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** An emulator already running (LocalStack, moto); without one, moto_server is started here. */
  readonly awsEndpoint?: string;
  /**
   * "auto" runs the billing jobs every 15 minutes on the wall clock; "manual" only on POST
   * /_local/tick, and the runtime's time is then the instant of the last tick.
   */
  readonly clock?: "auto" | "manual";
  /** Where a manual clock stands before the first tick (ISO instant); the wall clock's time by default. */
  readonly clockStart?: string;
  /** The default organization's API key; a new one is generated when absent. */
  readonly apiKey?: string;
  /** Prefix of every resource name, so several runtimes can share one emulator. */
  readonly resourcePrefix?: string;
  /** Seconds before a failed message is retried locally. */
  readonly retryDelaySeconds?: number;
  readonly log?: (line: string) => void;
}

export interface TickSummary {
  readonly now: string;
  readonly jobs: ReadonlyArray<{ readonly function: string; readonly result: unknown }>;
  readonly drained: boolean;
}

export interface LocalRuntime {
  /** Base URL of the Lago API, e.g. http://127.0.0.1:3000/api/v1. */
  readonly apiUrl: string;
  readonly url: string;
  readonly awsEndpoint: string;
  readonly apiKey: string;
  readonly organizationId: string;
  /** The runtime's current instant (ISO), as the API and the jobs see it. */
  now(): string;
  drain(timeoutMs?: number): Promise<void>;
  tick(now: string): Promise<TickSummary>;
  stop(): Promise<void>;
}

const ROOT = new URL("../../", import.meta.url);

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const clock = clockOf(options);
  const clockNow = () => new Date(clock.now()).toISOString();
  const emulator: RunningEmulator | undefined = options.awsEndpoint ? undefined : await startMotoServer();
  const awsEndpoint = options.awsEndpoint ?? (emulator as RunningEmulator).endpoint;
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    process.env.AWS_ENDPOINT_URL = awsEndpoint;
    process.env.AWS_REGION ??= "us-east-1";
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const provisioned = await provisionResources(options.resourcePrefix ?? "billing-local");
    Object.assign(process.env, provisioned.environment);
    resetAwsClients();

    const handlers = new Map<string, LambdaHandler>();
    for (const fn of functions) handlers.set(fn.id, await loadHandler(ROOT, fn));
    const handlerOf = (fn: FunctionSpec) => handlers.get(fn.id) as LambdaHandler;

    const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
      name: "Default",
      apiKey: options.apiKey,
      now: clockNow(),
    });

    const sqs = new SQSClient({});
    cleanups.push(() => sqs.destroy());
    const pollers: QueuePoller[] = [];
    for (const fn of functions) {
      if (!fn.consumes) continue;
      const queue = provisioned.queues.find((q) => q.spec.id === fn.consumes?.queue.id);
      if (!queue) throw new Error(`queue ${fn.consumes.queue.id} was not provisioned`);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ["QueueArn"] }),
      );
      pollers.push(
        new QueuePoller({
          sqs,
          fn,
          handler: handlerOf(fn),
          queueUrl: queue.url,
          queueArn: Attributes?.QueueArn ?? queue.url,
          retryDelaySeconds: options.retryDelaySeconds ?? 1,
          onError: (error) => log(`[${fn.id}] ${(error as Error).stack ?? String(error)}`),
        }),
      );
    }
    for (const poller of pollers) poller.start();
    cleanups.push(async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    });

    /**
     * Drained when, twice in a row, every queue holds nothing (visible, in flight or delayed), no
     * poller is handling a batch, and no batch completed in between: a batch that enqueued into a
     * queue already looked at cannot slip through.
     */
    async function drain(timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      let quietLooks = 0;
      let lastCompleted = -1;
      while (Date.now() < deadline) {
        const counts = await Promise.all(
          provisioned.queues.map(async (queue) => {
            const { Attributes = {} } = await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: queue.url,
                AttributeNames: [
                  "ApproximateNumberOfMessages",
                  "ApproximateNumberOfMessagesNotVisible",
                  "ApproximateNumberOfMessagesDelayed",
                ],
              }),
            );
            return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
          }),
        );
        const completed = pollers.reduce((sum, poller) => sum + poller.completedBatches, 0);
        const quiet =
          counts.every((count) => count === 0) &&
          pollers.every((poller) => !poller.busy) &&
          completed === lastCompleted;
        quietLooks = quiet ? quietLooks + 1 : 0;
        lastCompleted = completed;
        if (quietLooks >= 2) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`queues not drained within ${timeoutMs} ms`);
    }

    /** Runs every scheduled function as the scheduler would at `now`, then drains what they queued. */
    async function tick(now: string): Promise<TickSummary> {
      clock.moveTo(Date.parse(now));
      const jobs: Array<{ function: string; result: unknown }> = [];
      for (const fn of functions) {
        if (!fn.scheduled) continue;
        jobs.push({ function: fn.id, result: await handlerOf(fn)({ now }, lambdaContext(fn)) });
      }
      await drain();
      return { now, jobs, drained: true };
    }

    const routes = compileRoutes(routeTable());
    async function handleControl(
      request: IncomingMessage,
      response: ServerResponse,
      path: string,
    ): Promise<void> {
      if (request.method !== "POST")
        return sendJson(response, 405, { status: 405, error: "Method Not Allowed" });
      const body = await readJson(request).catch(() => undefined);
      if (!body)
        return sendJson(response, 400, {
          status: 400,
          error: "BadRequest: the request body is not valid JSON",
        });
      if (path === "/_local/drain") {
        await drain();
        return sendJson(response, 200, { drained: true });
      }
      if (path === "/_local/tick") {
        const now = typeof body.now === "string" ? new Date(body.now) : undefined;
        if (!now || Number.isNaN(now.getTime())) {
          return sendJson(response, 422, {
            status: 422,
            error: "Unprocessable Entity",
            code: "validation_errors",
            error_details: { now: ["invalid_date"] },
          });
        }
        return sendJson(response, 200, await tick(now.toISOString()));
      }
      if (path === "/_local/organizations") {
        const name = typeof body.name === "string" ? body.name.trim() : "";
        if (!name) {
          return sendJson(response, 422, {
            status: 422,
            error: "Unprocessable Entity",
            code: "validation_errors",
            error_details: { name: ["value_is_mandatory"] },
          });
        }
        const created = await createOrganization(new OrganizationStore(), {
          name,
          now: clockNow(),
        });
        return sendJson(response, 200, {
          organization: {
            lago_id: created.organization.id,
            name: created.organization.name,
            created_at: created.organization.createdAt,
          },
          api_key: created.apiKey,
        });
      }
      return sendJson(response, 404, { status: 404, error: "Not Found" });
    }

    const server: Server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      const work = path.startsWith("/_local/")
        ? handleControl(request, response, path)
        : (async () => {
            const match = matchRoute(routes, request.method ?? "GET", path);
            if (!match) return sendJson(response, 404, { status: 404, error: "Not Found" });
            const event = await toApiGatewayEvent(request, match, clock.now());
            writeResult(response, await handlerOf(match.route.fn)(event, lambdaContext(match.route.fn)));
          })();
      work.catch((error: unknown) => {
        log(`[local] ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent) sendJson(response, 500, { status: 500, error: "Internal Server Error" });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve());
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const address = server.address() as AddressInfo;
    const url = `http://${options.host ?? "127.0.0.1"}:${address.port}`;

    if (clock.mode === "auto") {
      const stopClock = startBillingClock(BILLING_CLOCK_MINUTES, async (now) => {
        try {
          const summary = await tick(now);
          log(`[clock] ran at ${now}: ${JSON.stringify(summary.jobs)}`);
        } catch (error) {
          log(`[clock] ${(error as Error).stack ?? String(error)}`);
        }
      });
      cleanups.push(stopClock);
    }

    let stopped = false;
    return {
      url,
      apiUrl: `${url}/api/v1`,
      awsEndpoint,
      apiKey,
      organizationId: organization.id,
      now: clockNow,
      drain,
      tick,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        for (const cleanup of cleanups.reverse()) await cleanup();
        await emulator?.stop();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await emulator?.stop();
    throw error;
  }
}

function clockOf(options: LocalRuntimeOptions): RuntimeClock {
  if ((options.clock ?? "auto") === "auto") return wallClock();
  const start = options.clockStart === undefined ? Date.now() : Date.parse(options.clockStart);
  if (Number.isNaN(start)) throw new Error(`clock start "${options.clockStart}" is not an ISO instant`);
  return manualClock(start);
}
