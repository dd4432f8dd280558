import { defineConfig } from "vitest/config";

/**
 * Test layers (DESIGN.md): unit tests sit beside the code; integration tests talk to a real
 * moto_server started by the harness; contract tests drive the local runtime with Lago's official
 * client; infra tests assert the synthesized stack; the deploy proof deploys it into moto.
 */
export default defineConfig({
  test: {
    env: { POWERTOOLS_LOG_LEVEL: "SILENT", AWS_REGION: "us-east-1" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["shared/src/**/*.test.ts", "services/*/src/**/*.test.ts", "infra/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: "deploy",
          include: ["test/deploy/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
