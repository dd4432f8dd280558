/**
 * `npm start`: the billing API on http://127.0.0.1:3000/api/v1 over an embedded moto_server (or the
 * emulator named by AWS_ENDPOINT_URL). Configuration is by environment; see the README's table.
 * With the embedded moto_server, the data is kept in BILLING_DATA_DIR (`.billing-local/` in the
 * checkout) across restarts.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DataFolderInUseError } from "./data-folder.js";
import { MotoNotInstalledError } from "./moto.js";
import { type LocalRuntime, startLocalRuntime } from "./runtime.js";
import { SnapshotFileError } from "./snapshot-file.js";

process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  fail(`PORT must be a port number, not "${process.env.PORT}"`);
const clock = process.env.BILLING_CLOCK ?? "auto";
if (clock !== "auto" && clock !== "manual") fail(`BILLING_CLOCK must be "auto" or "manual", not "${clock}"`);
const clockStart = process.env.BILLING_CLOCK_START || undefined;
if (clockStart !== undefined && (clock !== "manual" || Number.isNaN(Date.parse(clockStart))))
  fail(`BILLING_CLOCK_START must be an ISO instant, with BILLING_CLOCK=manual, not "${clockStart}"`);
const snapshotEverySeconds = Number(process.env.BILLING_SNAPSHOT_SECONDS || 30);
if (!Number.isFinite(snapshotEverySeconds) || snapshotEverySeconds < 0)
  fail(
    `BILLING_SNAPSHOT_SECONDS must be a number of seconds (0: none), not "${process.env.BILLING_SNAPSHOT_SECONDS}"`,
  );

const awsEndpoint = process.env.AWS_ENDPOINT_URL || undefined;
// An external emulator keeps its own state; only the embedded moto_server's is kept here.
const dataDir = awsEndpoint
  ? undefined
  : resolve(process.env.BILLING_DATA_DIR || fileURLToPath(new URL("../../.billing-local", import.meta.url)));
if (awsEndpoint && process.env.BILLING_DATA_DIR)
  console.warn(`BILLING_DATA_DIR is not used with AWS_ENDPOINT_URL: ${awsEndpoint} keeps its own state.`);

let runtime: LocalRuntime | undefined;
try {
  runtime = await startLocalRuntime({
    port,
    host: process.env.HOST ?? "127.0.0.1",
    awsEndpoint,
    clock,
    clockStart,
    apiKey: process.env.BILLING_API_KEY || undefined,
    resourcePrefix: process.env.BILLING_RESOURCE_PREFIX || undefined,
    dataDir,
    snapshotEverySeconds,
  });
} catch (error) {
  if (
    error instanceof MotoNotInstalledError ||
    error instanceof DataFolderInUseError ||
    error instanceof SnapshotFileError
  )
    fail(error.message);
  throw error;
}

function dataLine(started: LocalRuntime): string {
  if (!started.dataDir) return `kept by the emulator at ${started.awsEndpoint}`;
  const restored = started.restored;
  const from = restored
    ? `restored ${restored.items} items${restored.messages ? ` and ${restored.messages} queued messages` : ""}`
    : "new, starting clean";
  return `${started.dataDir} (${from}; delete the folder to start clean)`;
}

console.log(
  [
    "Serverless billing is running (Lago API v1).",
    `  API:          ${runtime.apiUrl}`,
    `  API key:      ${runtime.apiKey}   (organization ${runtime.organizationId})`,
    `  AWS emulator: ${runtime.awsEndpoint}${awsEndpoint ? "" : " (moto_server, started here)"}`,
    `  Data:         ${dataLine(runtime)}`,
    `  Billing clock: ${clock === "auto" ? "every 15 minutes" : `manual, at ${runtime.now()}: POST /_local/tick {"now": "<ISO instant>"} moves it`}`,
    "Press Ctrl-C to stop.",
  ].join("\n"),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  // Ctrl-C reaches us twice (the terminal signals the group, npm passes it on): one stop is enough.
  if (stopping) return;
  stopping = true;
  console.log(
    `\n${signal}: stopping${dataDir ? `; finishing queued work and saving the data to ${dataDir}` : ""}…`,
  );
  try {
    const saved = await runtime?.stop();
    if (saved)
      console.log(
        `Saved ${saved.items} items${saved.messages ? ` and ${saved.messages} queued messages` : ""} to ${dataDir}.`,
      );
    process.exit(0);
  } catch (error) {
    console.error(`Stopping failed: ${(error as Error).stack ?? String(error)}`);
    if (dataDir) console.error(`The data folder keeps its previous copy: ${dataDir}`);
    process.exit(1);
  }
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

// If whatever started us dies without passing a signal on (a killed npm), stop rather than linger.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown("parent process exited");
}, 1000).unref();
