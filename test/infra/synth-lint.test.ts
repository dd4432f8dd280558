/**
 * `cdk synth` through the real CLI, as a user runs it: offline, with cdk-nag as a validation
 * plugin (any finding fails the synth), and with real esbuild bundling. This is the one infra
 * test that bundles: then cfn-lint checks the template and every bundle is loaded by Node the way
 * the Lambda runtime loads it, so a handler whose imports do not bundle or load fails here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functions } from "../../infra/wiring.js";
import { BUNDLED_FONTS_FOLDER, FONT_FILES } from "../../services/invoicing/src/documents/font-files.js";
import { run, runCdk, tail } from "../support/cdk-app.js";

interface FunctionJson {
  readonly Type: string;
  readonly Metadata?: Record<string, unknown>;
  readonly Properties?: {
    readonly Handler?: string;
    readonly Environment?: { readonly Variables?: Record<string, unknown> };
  };
  readonly DependsOn?: string[];
}
interface CfnLintMatch {
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: ReadonlyArray<string | number> };
}

const STACK = "ServerlessBilling";
let outDir: string;
let templatePath: string;
let resources: Record<string, FunctionJson>;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "billing-synth-"));
  const synth = await runCdk(["synth", "--quiet", "--output", outDir]);
  expect(synth.code, tail(synth)).toBe(0);
  templatePath = join(outDir, `${STACK}.template.json`);
  resources = (JSON.parse(readFileSync(templatePath, "utf8")) as { Resources: Record<string, FunctionJson> })
    .Resources;
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("cdk synth", () => {
  it("passes cfn-lint", async () => {
    const lint = await run("cfn-lint", ["--format", "json", templatePath]);
    expect(lint.stderr).toBe("");
    const matches = JSON.parse(lint.stdout || "[]") as CfnLintMatch[];
    // W3005 only where CDK makes a function depend on its execution role, which the function's
    // `Role: GetAtt` already implies. CDK adds that DependsOn to every Lambda function (it also
    // depends on the role's policy, which is needed) and offers no switch to leave it out.
    const unexplained = matches.filter((match) => {
      if (match.Rule.Id !== "W3005") return true;
      const [section, resourceId, key] = match.Location.Path;
      const dependency = /^'([A-Za-z0-9]+)' dependency already enforced by a 'GetAtt'/.exec(
        match.Message,
      )?.[1];
      return !(
        section === "Resources" &&
        key === "DependsOn" &&
        resources[String(resourceId)]?.Type === "AWS::Lambda::Function" &&
        resources[dependency ?? ""]?.Type === "AWS::IAM::Role"
      );
    });
    expect(unexplained.map((m) => `${m.Rule.Id} ${m.Location.Path.join("/")}: ${m.Message}`)).toEqual([]);
  });

  it("bundles every wiring function into an ES module the Node runtime loads", async () => {
    const lambdas = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::Function");
    expect(lambdas).toHaveLength(functions.length);
    for (const lambda of lambdas) {
      const assetPath = lambda.Metadata?.["aws:asset:path"];
      expect(typeof assetPath).toBe("string");
      const bundle = join(outDir, String(assetPath), "index.mjs");
      // Physical names are CloudFormation references here; any string does for loading.
      const variables = Object.fromEntries(
        Object.entries(lambda.Properties?.Environment?.Variables ?? {}).map(([name, value]) => [
          name,
          typeof value === "string" ? value : `placeholder-${name}`,
        ]),
      );
      const load = await run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});
           if (typeof m.handler !== "function") { console.error("no handler export"); process.exit(3); }`,
        ],
        {
          env: {
            PATH: process.env.PATH,
            AWS_REGION: "us-east-1",
            POWERTOOLS_LOG_LEVEL: "SILENT",
            ...variables,
          },
        },
      );
      expect(load.code, `${variables.POWERTOOLS_SERVICE_NAME}: ${tail(load)}`).toBe(0);
      expect(lambda.Properties?.Handler).toBe("index.handler");
    }
  });

  it("ships the documents' fonts in the documents renderer's bundle, and in no other", () => {
    const lambdas = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::Function");
    const folderOf = (lambda: FunctionJson) => join(outDir, String(lambda.Metadata?.["aws:asset:path"]));
    const renderer = lambdas.filter(
      (lambda) => lambda.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === "documents-renderer",
    );
    expect(renderer).toHaveLength(1);
    for (const font of Object.values(FONT_FILES)) {
      const shipped = join(folderOf(renderer[0] as FunctionJson), BUNDLED_FONTS_FOLDER, font.file);
      expect(statSync(shipped).size).toBe(
        statSync(createRequire(import.meta.url).resolve(font.packagePath)).size,
      );
    }
    for (const lambda of lambdas.filter((other) => other !== renderer[0]))
      expect(existsSync(join(folderOf(lambda), BUNDLED_FONTS_FOLDER))).toBe(false);
  });
});
