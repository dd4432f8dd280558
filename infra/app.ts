/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` run this (cdk.json). The stack is env-agnostic
 * (no account or region lookups), so it synthesizes offline.
 *
 * Context:
 *   -c stackName=<name>   deploy a second copy beside the default `ServerlessBilling`
 *   -c emulator=true      deploy into moto_server (see BillingStackProps.emulator)
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { BillingStack } from "./billing-stack.js";

const app = new App();
const stackName = String(app.node.tryGetContext("stackName") ?? "ServerlessBilling");
const emulator = String(app.node.tryGetContext("emulator") ?? "false") === "true";

new BillingStack(app, stackName, {
  description: "Usage-based billing with Lago's REST API v1 (serverless)",
  emulator,
});

// cdk-nag 3 is a policy-validation plugin: any unacknowledged AwsSolutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
