/**
 * `npm start`: the billing API on http://127.0.0.1:3000/api/v1 over an embedded moto_server (or the
 * emulator named by AWS_ENDPOINT_URL). Configuration is by environment; see the README's table.
 */
import { MotoNotInstalledError } from "./moto.js";
import { type LocalRuntime, startLocalRuntime } from "./runtime.js";

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

let runtime: LocalRuntime | undefined;
try {
  runtime = await startLocalRuntime({
    port,
    host: process.env.HOST ?? "127.0.0.1",
    awsEndpoint: process.env.AWS_ENDPOINT_URL || undefined,
    clock,
    clockStart,
    apiKey: process.env.BILLING_API_KEY || undefined,
    resourcePrefix: process.env.BILLING_RESOURCE_PREFIX || undefined,
  });
} catch (error) {
  if (error instanceof MotoNotInstalledError) fail(error.message);
  throw error;
}

console.log(
  [
    "Serverless billing is running (Lago API v1).",
    `  API:          ${runtime.apiUrl}`,
    `  API key:      ${runtime.apiKey}   (organization ${runtime.organizationId})`,
    `  AWS emulator: ${runtime.awsEndpoint}${process.env.AWS_ENDPOINT_URL ? "" : " (moto_server, started here)"}`,
    `  Billing clock: ${clock === "auto" ? "every 15 minutes" : `manual, at ${runtime.now()}: POST /_local/tick {"now": "<ISO instant>"} moves it`}`,
    "Press Ctrl-C to stop.",
  ].join("\n"),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await runtime?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

// If whatever started us dies without passing a signal on (a killed npm), stop rather than linger.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown("parent process exited");
}, 1000).unref();
