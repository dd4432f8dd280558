/**
 * `npm start` as a user runs it: it prints the API and key, serves the API with the fixed key, and
 * on SIGTERM or SIGINT stops everything, its moto_server included.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
  }
});

function start(env: Record<string, string>, command = ["npm", "start", "--silent"]) {
  const [bin, ...args] = command as [string, ...string[]];
  // Its own process group, like a job in a terminal: Ctrl-C signals the whole group.
  const child = spawn(bin, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code === null ? `signal ${signal}` : `code ${code}`)),
  );
  const banner = async (timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (/Press Ctrl-C to stop/.test(output)) return output;
      if (child.exitCode !== null) throw new Error(`exited early:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no banner in time:\n${output}`);
  };
  return { child, exited, banner, output: () => output };
}

function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function closesWithin(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await listening(url))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe("npm start", () => {
  // Ctrl-C in a terminal sends SIGINT to the whole foreground group; `kill` sends SIGTERM to npm only.
  for (const [signal, target] of [
    ["SIGTERM", "npm"],
    ["SIGINT", "group"],
  ] as const) {
    it(`serves the API with BILLING_API_KEY and leaves no process behind on ${signal} to the ${target}`, async () => {
      const run = start({ PORT: "0", BILLING_CLOCK: "manual", BILLING_API_KEY: "lago-local-key" });
      const banner = await run.banner();
      const api = /API:\s+(\S+)/.exec(banner)?.[1] as string;
      const moto = /AWS emulator:\s+(\S+)/.exec(banner)?.[1] as string;
      expect(banner).toContain("lago-local-key");

      const organization = await fetch(`${api}/organizations`, {
        headers: { authorization: "Bearer lago-local-key" },
      });
      expect(organization.status).toBe(200);
      expect(await listening(moto)).toBe(true);

      process.kill(target === "group" ? -(run.child.pid as number) : (run.child.pid as number), signal);
      expect(await run.exited).toMatch(/^(code 0|signal SIG(TERM|INT))$/);
      // npm may exit before its child has finished stopping: give the runtime time to close, and
      // moto_server (a child of the runtime) to go with it.
      expect(await closesWithin(api, 15_000)).toBe(true);
      expect(await closesWithin(moto, 15_000)).toBe(true);
    });
  }

  it("says how to get an emulator when moto_server is missing and no endpoint is set", async () => {
    const run = start({ AWS_ENDPOINT_URL: "", MOTO_SERVER_COMMAND: "/nonexistent/moto_server", PORT: "0" });
    expect(await run.exited).toBe("code 1");
    expect(run.output()).toContain('pip install "moto[server]"');
    expect(run.output()).toContain("AWS_ENDPOINT_URL");
  });

  it("uses an emulator given in AWS_ENDPOINT_URL instead of starting one", async () => {
    const first = start({ PORT: "0", BILLING_CLOCK: "manual", BILLING_API_KEY: "first-key" });
    const moto = /AWS emulator:\s+(\S+)/.exec(await first.banner())?.[1] as string;
    const second = start({
      PORT: "0",
      BILLING_CLOCK: "manual",
      BILLING_API_KEY: "first-key",
      AWS_ENDPOINT_URL: moto,
    });
    const banner = await second.banner();
    expect(banner).toContain(`AWS emulator: ${moto}`);
    expect(banner).not.toContain("started here");
    // Same emulator, same tables: the key made by the first runtime is the same organization.
    const orgOf = (text: string) => /organization ([0-9a-f-]+)/.exec(text)?.[1];
    expect(orgOf(banner)).toBe(orgOf(await first.banner()));
    second.child.kill("SIGTERM");
    await second.exited;
    expect(await listening(moto)).toBe(true);
    first.child.kill("SIGTERM");
    await first.exited;
  });
});
