/**
 * The deploy proof: the real CDK CLI bootstraps and deploys the stack into a moto_server this test
 * starts, then describe calls check that what got deployed is what the wiring says.
 *
 * What moto 5.2 does, checked here (see also the `emulator` prop of BillingStack):
 * - `cdk bootstrap`/`cdk deploy` must name the host `localhost` in AWS_ENDPOINT_URL (moto listens
 *   on 127.0.0.1; with that address in the endpoint it misreads the S3 template URL).
 * - With CDK's default change-set method moto never evaluates the stack's outputs (it builds them
 *   from the empty template of the REVIEW_IN_PROGRESS stack), so the deploy would say nothing
 *   about them. `--method=direct` (CreateStack) evaluates them, and then an output referencing a
 *   type moto skips (the HTTP API) makes DescribeStacks fail and the deploy with it. So: direct
 *   deployment with `-c emulator=true`, which leaves out exactly the ApiUrl output.
 * - moto's CloudFormation drops a function's Architectures (always x86_64), TracingConfig and
 *   LoggingConfig, a table's TTL and point-in-time recovery, and all of a bucket's settings but
 *   its encryption; those are asserted on the template moto received instead (and on the
 *   synthesized template in test/infra). It skips API Gateway v2, Scheduler, CloudWatch alarms
 *   and queue/bucket/topic policies altogether.
 * - It resolves `Ref` to an event bus to an object, not the name; the stack uses
 *   `GetAtt Name` (see BillingStack.eventBusName).
 *
 * DynamoDB, SQS, S3 and EventBridge are described with AWS SDK v3. The project has no Lambda or
 * CloudFormation SDK client, so those describes go through the AWS CLI that ships with moto on
 * these machines.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { GetBucketEncryptionCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startMotoServer } from "../../infra/local/moto.js";
import { type FunctionSpec, functions, resources } from "../../infra/wiring.js";
import { run, runCdk, tail } from "../support/cdk-app.js";

const STACK = "ServerlessBilling";
const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

interface LambdaConfiguration {
  readonly FunctionName: string;
  readonly FunctionArn: string;
  readonly Runtime: string;
  readonly Handler: string;
  readonly MemorySize: number;
  readonly Timeout: number;
  readonly CodeSize: number;
  readonly Environment?: { readonly Variables?: Record<string, string> };
}
interface EventSourceMapping {
  readonly EventSourceArn: string;
  readonly FunctionArn: string;
  readonly BatchSize: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly FunctionResponseTypes?: string[];
  readonly ScalingConfig?: { readonly MaximumConcurrency?: number };
}
interface StackResource {
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId: string;
  readonly ResourceType: string;
}

let moto: RunningEmulator;
let workDir: string;
let cliEnv: NodeJS.ProcessEnv;
let outputs: Record<string, string>;
/** Wiring function id -> its deployed configuration, found by POWERTOOLS_SERVICE_NAME. */
const deployedFunctions = new Map<string, LambdaConfiguration>();
let deployedTemplate: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
let stackResources: StackResource[];
let eventSourceMappings: EventSourceMapping[];
let dynamodb: DynamoDBClient;
let sqs: SQSClient;
let s3: S3Client;
let eventBridge: EventBridgeClient;

/** Env for child processes: dummy credentials, nothing from the developer's AWS setup. */
function awsEnv(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_")) env[key] = value;
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: join(workDir, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(workDir, "no-aws-credentials"),
    // The SDK inside the CLI warns about Node 20 on every call.
    NODE_NO_WARNINGS: "1",
  };
}

async function awsCli<T>(args: readonly string[]): Promise<T> {
  const result = await run("aws", [...args, "--endpoint-url", moto.endpoint, "--output", "json"], {
    env: awsEnv(moto.endpoint),
  });
  if (result.code !== 0) throw new Error(`aws ${args.join(" ")} failed:\n${tail(result)}`);
  return JSON.parse(result.stdout) as T;
}

function output(name: string): string {
  const value = outputs[name];
  if (!value) throw new Error(`stack output ${name} missing; outputs: ${Object.keys(outputs).join(", ")}`);
  return value;
}

function pascal(id: string): string {
  return id
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

async function queueAttributes(url: string): Promise<Record<string, string>> {
  const response = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
  return response.Attributes ?? {};
}

function deployed(spec: FunctionSpec): LambdaConfiguration {
  const fn = deployedFunctions.get(spec.id);
  if (!fn) throw new Error(`function ${spec.id} was not deployed`);
  return fn;
}

beforeAll(async () => {
  const started = Date.now();
  workDir = mkdtempSync(join(tmpdir(), "billing-deploy-"));
  moto = await startMotoServer();
  cliEnv = awsEnv(`http://localhost:${moto.port}`);
  const sdk = { endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS };
  dynamodb = new DynamoDBClient(sdk);
  sqs = new SQSClient(sdk);
  s3 = new S3Client({ ...sdk, forcePathStyle: true });
  eventBridge = new EventBridgeClient(sdk);

  const { Account: account } = await awsCli<{ Account: string }>(["sts", "get-caller-identity"]);
  // From a directory without cdk.json, so bootstrapping does not synthesize (and bundle) the app.
  const bootstrap = await runCdk(["bootstrap", `aws://${account}/${REGION}`], { cwd: workDir, env: cliEnv });
  expect(bootstrap.code, tail(bootstrap)).toBe(0);

  const deploy = await runCdk(
    [
      "deploy",
      STACK,
      "--context",
      "emulator=true",
      "--method=direct",
      "--require-approval",
      "never",
      "--output",
      join(workDir, "cdk.out"),
      "--outputs-file",
      join(workDir, "outputs.json"),
    ],
    { env: cliEnv },
  );
  expect(deploy.code, tail(deploy)).toBe(0);
  outputs = (
    JSON.parse(readFileSync(join(workDir, "outputs.json"), "utf8")) as Record<string, Record<string, string>>
  )[STACK] as Record<string, string>;

  ({ StackResourceSummaries: stackResources } = await awsCli<{ StackResourceSummaries: StackResource[] }>([
    "cloudformation",
    "list-stack-resources",
    "--stack-name",
    STACK,
  ]));
  const { TemplateBody: body } = await awsCli<{ TemplateBody: unknown }>([
    "cloudformation",
    "get-template",
    "--stack-name",
    STACK,
  ]);
  deployedTemplate = (typeof body === "string" ? JSON.parse(body) : body) as typeof deployedTemplate;

  const stackFunctions = new Set(
    stackResources.filter((r) => r.ResourceType === "AWS::Lambda::Function").map((r) => r.PhysicalResourceId),
  );
  const { Functions: all } = await awsCli<{ Functions: LambdaConfiguration[] }>(["lambda", "list-functions"]);
  for (const fn of all.filter((f) => stackFunctions.has(f.FunctionName))) {
    const id = fn.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    if (id) deployedFunctions.set(id, fn);
  }
  ({ EventSourceMappings: eventSourceMappings } = await awsCli<{ EventSourceMappings: EventSourceMapping[] }>(
    ["lambda", "list-event-source-mappings"],
  ));
  console.info(`deploy proof: moto started, bootstrapped and deployed in ${Date.now() - started} ms`);
});

afterAll(async () => {
  dynamodb?.destroy();
  sqs?.destroy();
  s3?.destroy();
  eventBridge?.destroy();
  await moto?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("deployed into moto with the CDK CLI", () => {
  it("has every stack output but the API URL (the HTTP API is not emulated)", () => {
    const expected = [
      ...resources.tables.map((t) => `${pascal(t.id)}TableName`),
      ...resources.queues.flatMap((q) => [
        `${pascal(q.id)}QueueUrl`,
        `${pascal(q.id)}DeadLetterQueueUrl`,
        `${pascal(q.id)}DeadLetterQueueArn`,
      ]),
      "EventBusName",
      "DocumentsBucketName",
      "AlarmTopicArn",
    ];
    expect(Object.keys(outputs).sort()).toEqual(expected.sort());
  });

  it.each(resources.tables.map((spec) => [spec.id, spec] as const))(
    "table %s: keys, on-demand billing, GSIs",
    async (_, spec) => {
      const { Table: table } = await dynamodb.send(
        new DescribeTableCommand({ TableName: output(`${pascal(spec.id)}TableName`) }),
      );
      expect(table?.TableStatus).toBe("ACTIVE");
      expect(table?.KeySchema).toEqual([
        { AttributeName: spec.partitionKey, KeyType: "HASH" },
        { AttributeName: spec.sortKey, KeyType: "RANGE" },
      ]);
      expect(table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
      expect(table?.DeletionProtectionEnabled).toBe(true);
      const indexes = table?.GlobalSecondaryIndexes ?? [];
      expect(indexes.map((i) => i.IndexName).sort()).toEqual(spec.indexes.map((i) => i.name).sort());
      for (const index of spec.indexes) {
        const actual = indexes.find((i) => i.IndexName === index.name);
        expect(actual?.KeySchema).toEqual([
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ]);
        if (typeof index.projection === "string")
          expect(actual?.Projection?.ProjectionType).toBe(index.projection);
        else {
          expect(actual?.Projection?.ProjectionType).toBe("INCLUDE");
          expect(actual?.Projection?.NonKeyAttributes).toEqual([...index.projection]);
        }
      }
      // moto ignores these two; they must at least be in the template it was given.
      const [logicalId] =
        Object.entries(deployedTemplate.Resources).find(
          ([id, r]) =>
            r.Type === "AWS::DynamoDB::Table" &&
            stackResources.some(
              (s) => s.LogicalResourceId === id && s.PhysicalResourceId === table?.TableName,
            ),
        ) ?? [];
      expect(deployedTemplate.Resources[logicalId ?? ""]?.Properties).toMatchObject({
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    },
  );

  it.each(resources.queues.map((spec) => [spec.id, spec] as const))(
    "queue %s: redrive to its DLQ, visibility, retention, SSE",
    async (_, spec) => {
      const queue = await queueAttributes(output(`${pascal(spec.id)}QueueUrl`));
      const deadLetterQueue = await queueAttributes(output(`${pascal(spec.id)}DeadLetterQueueUrl`));
      expect(JSON.parse(queue.RedrivePolicy ?? "{}")).toEqual({
        deadLetterTargetArn: deadLetterQueue.QueueArn,
        maxReceiveCount: spec.maxReceiveCount,
      });
      expect(Number(queue.VisibilityTimeout)).toBe(spec.visibilityTimeoutSeconds);
      expect(Number(queue.MessageRetentionPeriod)).toBe(spec.retentionDays * 86_400);
      expect(queue.SqsManagedSseEnabled).toBe("true");
      expect(deadLetterQueue.SqsManagedSseEnabled).toBe("true");
    },
  );

  it("deploys every wiring function and nothing else", () => {
    expect([...deployedFunctions.keys()].sort()).toEqual(functions.map((f) => f.id).sort());
    expect(stackResources.filter((r) => r.ResourceType === "AWS::Lambda::Function")).toHaveLength(
      functions.length,
    );
  });

  it.each(functions.map((spec) => [spec.id, spec] as const))(
    "function %s: runtime, handler, size, bundle, environment",
    (_, spec) => {
      const fn = deployed(spec);
      expect(fn.Runtime).toBe("nodejs22.x");
      expect(fn.Handler).toBe("index.handler");
      expect(fn.MemorySize).toBe(spec.memoryMiB);
      expect(fn.Timeout).toBe(spec.timeoutSeconds);
      // The bundle was published to the bootstrap bucket and fetched by CloudFormation.
      expect(fn.CodeSize).toBeGreaterThan(1000);

      const variables = fn.Environment?.Variables ?? {};
      const expected: Record<string, string> = {
        POWERTOOLS_SERVICE_NAME: spec.id,
        NODE_OPTIONS: "--enable-source-maps",
      };
      for (const [table] of spec.tables) expected[table.envVar] = output(`${pascal(table.id)}TableName`);
      for (const queue of spec.sendsTo ?? []) expected[queue.envVar] = output(`${pascal(queue.id)}QueueUrl`);
      if (spec.publishesDomainEvents) expected[resources.eventBus.envVar] = output("EventBusName");
      if (spec.documents) expected[resources.documentsBucket.envVar] = output("DocumentsBucketName");
      for (const queue of spec.deadLettersTo ?? [])
        expected[queue.deadLetterEnvVar as string] = output(`${pascal(queue.id)}DeadLetterQueueUrl`);
      // In the emulator a secret is named in advance (moto's CloudFormation skips secrets).
      for (const secret of spec.secrets ?? []) expected[secret.envVar] = `${STACK}-${secret.id}`;
      expect(variables).toEqual(expected);

      // moto's CloudFormation drops Architectures; the template it deployed must carry arm64.
      const logicalId = stackResources.find(
        (r) => r.PhysicalResourceId === fn.FunctionName,
      )?.LogicalResourceId;
      expect(deployedTemplate.Resources[logicalId ?? ""]?.Properties?.Architectures).toEqual(["arm64"]);
    },
  );

  it.each(functions.filter((spec) => spec.consumes).map((spec) => [spec.id, spec] as const))(
    "consumer %s: event source mapping on its queue with partial batch failures",
    async (_, spec) => {
      const consumer = spec.consumes;
      if (!consumer) throw new Error("not a consumer");
      const fn = deployed(spec);
      const mappings = eventSourceMappings.filter((m) => m.FunctionArn === fn.FunctionArn);
      const queue = await queueAttributes(output(`${pascal(consumer.queue.id)}QueueUrl`));
      expect(mappings).toHaveLength(1);
      expect(mappings[0]).toMatchObject({
        EventSourceArn: queue.QueueArn,
        FunctionArn: fn.FunctionArn,
        BatchSize: consumer.batchSize,
        MaximumBatchingWindowInSeconds: consumer.maxBatchingWindowSeconds,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency },
      });
    },
  );

  it("has the domain events bus", async () => {
    const bus = await eventBridge.send(new DescribeEventBusCommand({ Name: output("EventBusName") }));
    expect(bus.Name).toBe(output("EventBusName"));
  });

  it("has the documents bucket encrypted, private and versioned", async () => {
    const Bucket = output("DocumentsBucketName");
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(
      encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
        ?.SSEAlgorithm,
    ).toBe("AES256");
    // moto's CloudFormation applies only a bucket's encryption and tags; the rest is checked on
    // the template it deployed.
    const logicalId = stackResources.find((r) => r.PhysicalResourceId === Bucket)?.LogicalResourceId;
    expect(deployedTemplate.Resources[logicalId ?? ""]?.Properties).toMatchObject({
      VersioningConfiguration: { Status: "Enabled" },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });
});
