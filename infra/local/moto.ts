/**
 * Starts and stops `moto_server`, the embedded AWS emulator of the local runtime and the tests.
 * It runs as a child process on a free loopback port and dies with us.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export interface RunningEmulator {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export class MotoNotInstalledError extends Error {
  constructor() {
    super(
      [
        "moto_server was not found on PATH, and AWS_ENDPOINT_URL is not set.",
        'Either install the embedded emulator:   pip install "moto[server]"',
        "or point at an emulator already running, e.g. LocalStack:   AWS_ENDPOINT_URL=http://localhost:4566 npm start",
      ].join("\n"),
    );
    this.name = "MotoNotInstalledError";
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not allocate a port"));
      });
    });
  });
}

export function motoInstalled(command = motoCommand()): boolean {
  const probe = spawnSync(command, ["--help"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
}

/**
 * `moto_server` behind a wrapper serializing its DynamoDB operations (`moto-server`): moto checks a
 * condition and writes without a lock, so concurrent conditional writes could both pass where
 * DynamoDB lets one through.
 */
const ATOMIC_MOTO = fileURLToPath(new URL("./moto-server", import.meta.url));

function motoCommand(): string {
  return process.env.MOTO_SERVER_COMMAND ?? ATOMIC_MOTO;
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A process that exits takes its emulators with it (the watchdog covers a kill we cannot see). */
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running) child.kill("SIGTERM");
  });
}

/**
 * moto_server runs under a small shell that watches this process: if we die without cleaning up
 * (SIGKILL, a crashed test worker), the shell stops moto within a second. It also stops it on
 * SIGTERM/SIGINT, which is how `stop()` ends it. The shell leads a process group of its own: Ctrl-C
 * in a terminal signals the whole foreground group, and moto must outlive that signal until the
 * runtime has read its tables into the data folder.
 */
const WATCHDOG = `
"$MOTO_COMMAND" -H "$MOTO_HOST" -p "$MOTO_PORT" &
moto=$!
trap 'kill $moto 2>/dev/null; wait $moto; exit 0' TERM INT
while kill -0 "$MOTO_PARENT" 2>/dev/null && kill -0 $moto 2>/dev/null; do sleep 1; done
kill $moto 2>/dev/null
wait $moto
`;

export async function startMotoServer(
  options: { host?: string; port?: number } = {},
): Promise<RunningEmulator> {
  const command = motoCommand();
  if (!motoInstalled(command)) throw new MotoNotInstalledError();
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await freePort());
  const child = spawn("sh", ["-c", WATCHDOG], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      MOTO_COMMAND: command,
      MOTO_HOST: host,
      MOTO_PORT: String(port),
      MOTO_PARENT: String(process.pid),
    },
  });
  running.add(child);
  killAllOnExit();
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://${host}:${port}`;
  try {
    await waitUntilServing(endpoint, child, 20_000);
  } catch (error) {
    child.kill("SIGTERM");
    running.delete(child);
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        running.delete(child);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
