/** `npm start` run as a user runs it, for the tests of the local runtime's process. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
const children: ChildProcess[] = [];
const folders: string[] = [];

export interface NpmStartRun {
  readonly child: ChildProcess;
  /** "code <n>" or "signal <name>", once npm itself exits. */
  readonly exited: Promise<string>;
  /** The startup banner, once printed. */
  banner(timeoutMs?: number): Promise<string>;
  output(): string;
  /** Sends a signal to npm alone, or to its whole process group (what Ctrl-C in a terminal does). */
  signal(signal: NodeJS.Signals, target: "npm" | "group"): void;
  /** Resolves true once no process of the group is left (the runtime has finished stopping). */
  gone(timeoutMs?: number): Promise<boolean>;
}

export function startNpm(env: Record<string, string>, command = ["npm", "start", "--silent"]): NpmStartRun {
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
  const pid = child.pid as number;
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    child,
    exited,
    output: () => output,
    banner: async (timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (/Press Ctrl-C to stop/.test(output)) return output;
        if (child.exitCode !== null) throw new Error(`exited early:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no banner in time:\n${output}`);
    },
    signal: (signal, target) => process.kill(target === "group" ? -pid : pid, signal),
    gone: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (!groupAlive()) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    },
  };
}

/** A new, empty data folder, removed by `cleanUpNpmRuns`. */
export async function dataFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "billing-data-"));
  folders.push(dir);
  return dir;
}

/** Kills whatever is left of every run and removes the data folders (afterEach). */
export async function cleanUpNpmRuns(): Promise<void> {
  for (const child of children.splice(0)) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
  }
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
}

export const bannerField = (banner: string, field: RegExp): string => {
  const value = field.exec(banner)?.[1];
  if (!value) throw new Error(`${field} not in:\n${banner}`);
  return value;
};

export function listening(url: string): Promise<boolean> {
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

export async function closesWithin(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await listening(url))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
