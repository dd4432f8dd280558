/**
 * cdk-nag AwsSolutions on the stack: no error and no warning left unacknowledged. cdk-nag 3 is a
 * CDK policy-validation plugin (it no longer emits Annotations, so `Annotations.fromStack` would
 * see nothing); `validateScope` runs the same rules `cdk synth` runs and returns the violations.
 */
import { App, Stack, Validations } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { synthStack } from "../support/cdk-app.js";

function describeViolations(
  violations: ReturnType<AwsSolutionsChecks["validateScope"]>["violations"],
): string {
  return violations
    .map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`)
    .join("\n");
}

describe("cdk-nag AwsSolutions", () => {
  it("reports no unacknowledged error or warning on the billing stack", () => {
    const { app } = synthStack();
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(describeViolations(report.violations)).toBe("");
    expect(report.success).toBe(true);
  });

  it("reports none in emulator mode either", () => {
    const { app } = synthStack({ emulator: true });
    expect(describeViolations(new AwsSolutionsChecks().validateScope(app).violations)).toBe("");
  });

  it("would catch a violation (the check is not vacuous)", () => {
    const app = new App();
    const stack = new Stack(app, "Probe");
    new sqs.Queue(stack, "Plain", { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const rules = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toEqual(
      expect.arrayContaining(["AwsSolutions-SQS2", "AwsSolutions-SQS3", "AwsSolutions-SQS4"]),
    );
  });

  it("acknowledgments are per finding: an acknowledged rule on one resource does not hide another", () => {
    const app = new App();
    const stack = new Stack(app, "Probe");
    const acknowledged = new sqs.Queue(stack, "Acknowledged", { enforceSSL: true });
    Validations.of(acknowledged.node.defaultChild ?? acknowledged).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "probe",
    });
    new sqs.Queue(stack, "Other", { enforceSSL: true });
    const sqs3 = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((v) => v.ruleName === "AwsSolutions-SQS3")
      .flatMap((v) => v.violatingResources.map((r) => r.constructPath));
    expect(sqs3).toEqual(["Probe/Other/Resource"]);
  });
});
