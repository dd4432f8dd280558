/**
 * The whole system on one machine, with the deployed handler code: an emulator for AWS (moto_server
 * started here, or any endpoint in AWS_ENDPOINT_URL such as LocalStack), the resources of the
 * wiring, an HTTP server in API Gateway's place, queue pollers in Lambda's, and the billing clock.
 * Given a data folder, the embedded moto_server's state is kept there across restarts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { resetAwsClients } from "../../shared/src/platform/aws-clients.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { BILLING_CLOCK_MINUTES, type FunctionSpec, functions, resources, routeTable } from "../wiring.js";
import { Activity } from "./activity.js";
import { compileRoutes, matchRoute, toApiGatewayEvent, writeResult } from "./api-gateway.js";
import { startBillingClock } from "./billing-clock.js";
import { handleControl, sendJson } from "./control-routes.js";
import { type DataFolder, lockDataFolder } from "./data-folder.js";
import { type RedriveSummary, redriveDeadLetters, watchDeadLetters } from "./dead-letters.js";
import { type LambdaHandler, lambdaContext, loadHandler } from "./lambda-context.js";
import { type RunningEmulator, startMotoServer } from "./moto.js";
import {
  PeriodicSnapshots,
  type PersistedResources,
  type RestoreSummary,
  restoreData,
  saveData,
} from "./persistence.js";
import { provisionResources } from "./provision.js";
import { messagesIn } from "./queue-messages.js";
import { QueuePoller } from "./queue-poller.js";
import { manualClock, type RuntimeClock, wallClock } from "./runtime-clock.js";
import { readSnapshot, type SnapshotCounts, type SnapshotReader } from "./snapshot-file.js";

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
  /**
   * Where a manual clock stands before the first tick (ISO instant); by default where it stood when
   * the data folder was last written, else the wall clock's time.
   */
  readonly clockStart?: string;
  /** The default organization's API key; by default the one kept in the data folder, else a new one. */
  readonly apiKey?: string;
  /** Prefix of every resource name, so several runtimes can share one emulator. */
  readonly resourcePrefix?: string;
  /** Seconds before a failed message is retried locally. */
  readonly retryDelaySeconds?: number;
  /**
   * Keep the embedded moto_server's data in this folder across restarts (restored at start, written
   * at stop and periodically). Without one nothing is kept; not allowed with `awsEndpoint`, whose
   * emulator keeps its own state.
   */
  readonly dataDir?: string;
  /** With a data folder: seconds between looks for a periodic snapshot (default 30; 0: none). */
  readonly snapshotEverySeconds?: number;
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
  /** The data folder, when the runtime keeps its data. */
  readonly dataDir: string | undefined;
  /** What was loaded from the data folder at start; undefined when it started clean. */
  readonly restored: RestoreSummary | undefined;
  /** The runtime's current instant (ISO), as the API and the jobs see it. */
  now(): string;
  drain(timeoutMs?: number): Promise<void>;
  tick(now: string): Promise<TickSummary>;
  /** Moves every dead-letter queue's messages back to its source queue. */
  redrive(): Promise<RedriveSummary>;
  /** Writes the data folder now (it is also written at stop); undefined without a data folder. */
  saveData(): Promise<SnapshotCounts | undefined>;
  /**
   * Stops taking requests, lets those in flight finish, drains the queues (with a data folder),
   * writes the data folder, then stops everything. Returns what was written.
   */
  stop(): Promise<SnapshotCounts | undefined>;
}

const ROOT = new URL("../../", import.meta.url);
/** How long a stop waits for requests in flight, then for the queues to drain. */
const STOP_REQUESTS_MS = 30_000;
const STOP_DRAIN_MS = 30_000;

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.dataDir !== undefined && options.awsEndpoint)
    throw new Error(
      "a data folder is kept only with the embedded moto_server: an external emulator keeps its own state",
    );
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    let folder: DataFolder | undefined;
    let snapshot: SnapshotReader | undefined;
    if (options.dataDir !== undefined) {
      const locked = await lockDataFolder(options.dataDir);
      folder = locked;
      cleanups.push(() => locked.release());
      snapshot = await readSnapshot(locked.dir);
    }
    const clock = clockOf(options, snapshot?.header.clockNow);
    const clockNow = () => new Date(clock.now()).toISOString();

    const emulator: RunningEmulator | undefined = options.awsEndpoint ? undefined : await startMotoServer();
    if (emulator) cleanups.push(() => emulator.stop());
    const awsEndpoint = options.awsEndpoint ?? (emulator as RunningEmulator).endpoint;
    process.env.AWS_ENDPOINT_URL = awsEndpoint;
    process.env.AWS_REGION ??= "us-east-1";
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const provisioned = await provisionResources(options.resourcePrefix ?? "billing-local");
    Object.assign(process.env, provisioned.environment);
    resetAwsClients();

    const sqs = new SQSClient({});
    const dynamo = new DynamoDBClient({});
    cleanups.push(() => {
      sqs.destroy();
      dynamo.destroy();
    });
    const persisted: PersistedResources = {
      dynamo,
      sqs,
      tables: resources.tables.map((spec) => ({
        id: spec.id,
        name: provisioned.environment[spec.envVar] as string,
      })),
      queues: provisioned.queues,
    };
    const restored = snapshot ? await restoreData(snapshot, persisted) : undefined;
    if (restored && restored.skipped > 0)
      log(`[data] ${restored.skipped} records of tables or queues this version does not have were left out`);

    // Webhook attempts locally: 5 s each and a tenth of Lago's waits between them (0.3 s, 1.8 s),
    // so a drain waits seconds, not minutes, for an endpoint that is down.
    process.env.LAGO_WEBHOOK_TIMEOUT_SECONDS ??= "5";
    process.env.WEBHOOK_BACKOFF_SCALE ??= "0.1";
    const handlers = new Map<string, LambdaHandler>();
    for (const fn of functions) handlers.set(fn.id, await loadHandler(ROOT, fn));
    const handlerOf = (fn: FunctionSpec) => handlers.get(fn.id) as LambdaHandler;

    const { organization, apiKey, created } = await createOrganization(new OrganizationStore(), {
      name: "Default",
      apiKey: options.apiKey ?? snapshot?.header.apiKey,
      now: clockNow(),
    });

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
    const stopPollers = async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    };
    cleanups.push(stopPollers);

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
        const counts = await Promise.all(provisioned.queues.map((queue) => messagesIn(sqs, queue.url)));
        const completed = completedBatches();
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
    const completedBatches = () => pollers.reduce((sum, poller) => sum + poller.completedBatches, 0);

    // Everything that may write through the handlers goes through `activity`, so a periodic
    // snapshot can tell whether anything happened while it read the tables.
    const activity = new Activity();

    /**
     * Runs every scheduled function as the scheduler would at `now`, then drains what they queued.
     * A manual tick first lets the consumers take everything already accepted, so what a test or a
     * demo sent before it is billed by it, as it would be when the consumers keep up.
     */
    const tick = (now: string): Promise<TickSummary> =>
      activity.track(async () => {
        if (clock.mode === "manual") await drain();
        clock.moveTo(Date.parse(now));
        const jobs: Array<{ function: string; result: unknown }> = [];
        for (const fn of functions) {
          if (!fn.scheduled) continue;
          jobs.push({ function: fn.id, result: await handlerOf(fn)({ now }, lambdaContext(fn)) });
        }
        await drain();
        return { now, jobs, drained: true };
      });

    // Redrives and snapshots both read the dead-letter queues: one at a time.
    let exclusiveTail: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const result = exclusiveTail.then(work);
      exclusiveTail = result.catch(() => undefined);
      return result;
    };

    const deadLetters = watchDeadLetters(sqs, provisioned.queues, log);
    cleanups.push(() => deadLetters.stop());

    async function redrive(): Promise<RedriveSummary> {
      const summary = await exclusive(() => redriveDeadLetters(sqs, provisioned.queues));
      // Seen as empty now, so messages that fail again raise the alarm again.
      await deadLetters.check();
      const moved = Object.entries(summary).filter(([, count]) => count > 0);
      if (moved.length > 0)
        log(`[redrive] moved back to their queues: ${moved.map(([id, n]) => `${id} ${n}`).join(", ")}`);
      return summary;
    }

    const state = () => ({ apiKey, organizationId: organization.id, clockNow: clockNow() });
    const save = (
      includeSourceQueues: boolean,
      extra: { signal?: AbortSignal; commitIf?: () => Promise<boolean> } = {},
    ): Promise<SnapshotCounts | undefined> =>
      folder
        ? exclusive(() =>
            saveData((folder as DataFolder).dir, state(), persisted, { includeSourceQueues, log, ...extra }),
          )
        : Promise.resolve(undefined);

    // A new default organization is written at once, so even a crash keeps its key.
    if (folder && created) await save(false);

    const routes = compileRoutes(routeTable());
    const controlActions = {
      drain: () => drain(),
      tick,
      redrive,
      createOrganization: async (name: string) => {
        const made = await createOrganization(new OrganizationStore(), { name, now: clockNow() });
        return {
          organization: {
            lago_id: made.organization.id,
            name: made.organization.name,
            created_at: made.organization.createdAt,
          },
          api_key: made.apiKey,
        };
      },
    };
    let closing = false;
    const server: Server = createServer((request, response) => {
      if (closing) {
        response.setHeader("connection", "close");
        return sendJson(response, 503, {
          status: 503,
          error: "Service Unavailable: the runtime is stopping",
        });
      }
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      void activity.track(async () => {
        try {
          if (path.startsWith("/_local/"))
            return await handleControl(controlActions, request, response, path);
          const match = matchRoute(routes, request.method ?? "GET", path);
          if (!match) return sendJson(response, 404, { status: 404, error: "Not Found" });
          const event = await toApiGatewayEvent(request, match, clock.now());
          writeResult(response, await handlerOf(match.route.fn)(event, lambdaContext(match.route.fn)));
        } catch (error) {
          log(`[local] ${(error as Error).stack ?? String(error)}`);
          if (!response.headersSent) sendJson(response, 500, { status: 500, error: "Internal Server Error" });
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve());
    });
    const closeServer = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    cleanups.push(closeServer);
    const address = server.address() as AddressInfo;
    const url = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
    // The issuer of jwt webhook signatures, as the stack sets it.
    process.env.LAGO_API_URL ??= `${url}/api/v1`;

    let stopClock: () => void = () => undefined;
    if (clock.mode === "auto") {
      stopClock = startBillingClock(BILLING_CLOCK_MINUTES, async (now) => {
        try {
          const summary = await tick(now);
          log(`[clock] ran at ${now}: ${JSON.stringify(summary.jobs)}`);
        } catch (error) {
          log(`[clock] ${(error as Error).stack ?? String(error)}`);
        }
      });
      cleanups.push(stopClock);
    }

    // Restored dead letters are announced at once, not at the first look.
    await deadLetters.check();

    const everySeconds = options.snapshotEverySeconds ?? 30;
    const periodic =
      folder && everySeconds > 0
        ? new PeriodicSnapshots({
            everyMs: everySeconds * 1000,
            fingerprint: () => `${activity.started}/${completedBatches()}`,
            quiet: async () => {
              const idle = () => !activity.busy && pollers.every((poller) => !poller.busy);
              if (!idle()) return false;
              const counts = await Promise.all(provisioned.queues.map((queue) => messagesIn(sqs, queue.url)));
              return counts.every((count) => count === 0) && idle();
            },
            save: (extra) => save(false, extra),
            log,
          })
        : undefined;
    periodic?.start();
    if (periodic) cleanups.push(() => periodic.stop());

    let stopping: Promise<SnapshotCounts | undefined> | undefined;
    async function stop(): Promise<SnapshotCounts | undefined> {
      closing = true;
      await periodic?.stop();
      stopClock();
      server.close();
      server.closeIdleConnections();
      if (!(await activity.idle(STOP_REQUESTS_MS)))
        log(`[local] requests still running after ${STOP_REQUESTS_MS} ms; stopping anyway`);
      server.closeAllConnections();
      let saved: SnapshotCounts | undefined;
      try {
        if (folder) {
          // Every accepted event and job is consumed before the tables are written; what a
          // stuck queue still holds is written with them and queued again at the next start.
          await drain(STOP_DRAIN_MS).catch((error: Error) =>
            log(`[data] ${error.message}: the messages still queued are kept in the data folder`),
          );
        }
        await stopPollers();
        await deadLetters.stop();
        saved = await save(true);
      } finally {
        await cleanUp();
      }
      return saved;
    }

    return {
      url,
      apiUrl: `${url}/api/v1`,
      awsEndpoint,
      apiKey,
      organizationId: organization.id,
      dataDir: folder?.dir,
      restored,
      now: clockNow,
      drain,
      tick,
      redrive,
      saveData: async () => {
        if (closing) throw new Error("the runtime is stopping");
        // Drained first, so the tables hold every event accepted so far.
        await drain();
        return save(false);
      },
      stop: () => {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function clockOf(options: LocalRuntimeOptions, keptInstant: string | undefined): RuntimeClock {
  if ((options.clock ?? "auto") === "auto") return wallClock();
  const startAt = options.clockStart ?? keptInstant;
  const start = startAt === undefined ? Date.now() : Date.parse(startAt);
  if (Number.isNaN(start)) throw new Error(`clock start "${startAt}" is not an ISO instant`);
  return manualClock(start);
}
