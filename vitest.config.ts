import { defineConfig } from "vitest/config";

/**
 * The contract suite runs again with the runtime's clock on days where date arithmetic breaks:
 * the 1st of a month just after midnight, a 31st just before it, and a 29 February.
 */
const contractClockDays = {
  "contract@1st": "2027-03-01T00:30:00.000Z",
  "contract@31st": "2026-12-31T23:10:00.000Z",
  "contract@feb29": "2028-02-29T12:00:00.000Z",
};

/**
 * Test layers (docs/architecture.md): unit tests sit beside the code; integration tests talk to a real
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
          // Property tests run thousands of cases: on a loaded 2-core machine beside the
          // integration projects, vitest's 5 s default would fail them for the load alone.
          testTimeout: 30_000,
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
      ...Object.entries(contractClockDays).map(([name, clock]) => ({
        extends: true as const,
        test: {
          name,
          include: ["test/contract/**/*.test.ts"],
          // npm start's own tests set its clock themselves; they do not read the contract clock.
          exclude: ["test/contract/npm-start*.test.ts"],
          env: { BILLING_CONTRACT_CLOCK: clock },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      })),
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
