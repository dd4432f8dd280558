/**
 * Builds the billing stack the way `infra/app.ts` does (same cdk.json feature flags), for
 * assertion tests, and runs the real CDK CLI for the synth, lint and deploy tests.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { BillingStack } from "../../infra/billing-stack.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CDK_CLI = `${REPO_ROOT}node_modules/aws-cdk/bin/cdk`;

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(`${REPO_ROOT}cdk.json`, "utf8")) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface SynthOptions {
  readonly emulator?: boolean;
  /**
   * Off by default: esbuild for seven functions costs seconds per synth and these tests assert
   * the template, not the bundles. `test/infra/synth-lint.test.ts` bundles for real.
   */
  readonly bundle?: boolean;
}

export function synthStack(options: SynthOptions = {}): {
  app: App;
  stack: BillingStack;
  template: Template;
} {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
    },
  });
  const stack = new BillingStack(app, "ServerlessBilling", { emulator: options.emulator ?? false });
  return { app, stack, template: Template.fromStack(stack) };
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; never rejects on a non-zero exit (the caller asserts the code). */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CDK CLI from node_modules (pinned 2.x), offline: no telemetry, no notices. */
export function runCdk(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return run(process.execPath, [CDK_CLI, ...args, "--no-notices"], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), CDK_DISABLE_CLI_TELEMETRY: "true" },
  });
}

/** Last lines of a command's output, for assertion messages. */
export function tail(result: CommandResult, lines = 60): string {
  return `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-lines).join("\n");
}
