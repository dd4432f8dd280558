/**
 * `npm start` as a user runs it: it prints the API and key, serves the API with the fixed key, and
 * on SIGTERM or SIGINT stops everything, its moto_server included. Every run keeps its data in a
 * temporary folder, never in the checkout.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  bannerField,
  cleanUpNpmRuns,
  closesWithin,
  dataFolder,
  listening,
  startNpm,
} from "../support/npm-start.js";

afterEach(cleanUpNpmRuns);

describe("npm start", () => {
  // Ctrl-C in a terminal sends SIGINT to the whole foreground group; `kill` sends SIGTERM to npm only.
  for (const [signal, target] of [
    ["SIGTERM", "npm"],
    ["SIGINT", "group"],
  ] as const) {
    it(`serves the API with BILLING_API_KEY and leaves no process behind on ${signal} to the ${target}`, async () => {
      const dir = await dataFolder();
      const run = startNpm({
        PORT: "0",
        BILLING_CLOCK: "manual",
        BILLING_API_KEY: "lago-local-key",
        BILLING_DATA_DIR: dir,
      });
      const banner = await run.banner();
      const api = bannerField(banner, /API:\s+(\S+)/);
      const moto = bannerField(banner, /AWS emulator:\s+(\S+)/);
      expect(banner).toContain("lago-local-key");
      expect(banner).toContain(`Data:         ${dir} (new, starting clean`);

      const organization = await fetch(`${api}/organizations`, {
        headers: { authorization: "Bearer lago-local-key" },
      });
      expect(organization.status).toBe(200);
      expect(await listening(moto)).toBe(true);

      run.signal(signal, target);
      expect(await run.exited).toMatch(/^(code 0|signal SIG(TERM|INT))$/);
      // npm may exit before its child has finished stopping: give the runtime time to close, and
      // moto_server (a child of the runtime) to go with it.
      expect(await closesWithin(api, 15_000)).toBe(true);
      expect(await closesWithin(moto, 15_000)).toBe(true);
      expect(await run.gone()).toBe(true);
      expect(run.output()).toMatch(/Saved \d+ items to /);
      // The data, and nothing else: the lock is released, no temporary file is left.
      expect(await readdir(dir)).toEqual(["snapshot.jsonl"]);
    });
  }

  it("says how to get an emulator when moto_server is missing and no endpoint is set", async () => {
    const run = startNpm({
      AWS_ENDPOINT_URL: "",
      MOTO_SERVER_COMMAND: "/nonexistent/moto_server",
      PORT: "0",
      BILLING_DATA_DIR: await dataFolder(),
    });
    expect(await run.exited).toBe("code 1");
    expect(run.output()).toContain('pip install "moto[server]"');
    expect(run.output()).toContain("AWS_ENDPOINT_URL");
  });

  it("refuses a data folder another npm start is using", async () => {
    const dir = await dataFolder();
    const first = startNpm({ PORT: "0", BILLING_CLOCK: "manual", BILLING_DATA_DIR: dir });
    await first.banner();
    const second = startNpm({ PORT: "0", BILLING_CLOCK: "manual", BILLING_DATA_DIR: dir });
    expect(await second.exited).toBe("code 1");
    expect(second.output()).toMatch(/The data folder .* is in use by process \d+/);
    expect(second.output()).toContain("BILLING_DATA_DIR=<another folder>");
    first.signal("SIGTERM", "npm");
    expect(await first.gone()).toBe(true);
  });

  it("uses an emulator given in AWS_ENDPOINT_URL instead of starting one, and keeps no data itself", async () => {
    const first = startNpm({
      PORT: "0",
      BILLING_CLOCK: "manual",
      BILLING_API_KEY: "first-key",
      BILLING_DATA_DIR: await dataFolder(),
    });
    const moto = bannerField(await first.banner(), /AWS emulator:\s+(\S+)/);
    const unused = join(await dataFolder(), "unused");
    const second = startNpm({
      PORT: "0",
      BILLING_CLOCK: "manual",
      BILLING_API_KEY: "first-key",
      AWS_ENDPOINT_URL: moto,
      BILLING_DATA_DIR: unused,
    });
    const banner = await second.banner();
    expect(banner).toContain(`AWS emulator: ${moto}`);
    expect(banner).not.toContain("started here");
    expect(banner).toContain(`Data:         kept by the emulator at ${moto}`);
    expect(banner).toContain("BILLING_DATA_DIR is not used with AWS_ENDPOINT_URL");
    // Same emulator, same tables: the key made by the first runtime is the same organization.
    const orgOf = (text: string) => /organization ([0-9a-f-]+)/.exec(text)?.[1];
    expect(orgOf(banner)).toBe(orgOf(await first.banner()));
    second.signal("SIGTERM", "npm");
    await second.exited;
    expect(await second.gone()).toBe(true);
    expect(await listening(moto)).toBe(true);
    expect(existsSync(unused)).toBe(false);
    first.signal("SIGTERM", "npm");
    await first.exited;
  });
});
