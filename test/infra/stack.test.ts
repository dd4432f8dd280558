/**
 * The synthesized template holds what the wiring says, generated from the wiring: these tests
 * iterate `infra/wiring.ts` too, so a function, route, queue or table added there is checked here
 * without editing this file. Bundling is off (see test/support/cdk-app.ts); the synth-lint test
 * bundles and loads every handler for real.
 */
import { isDeepStrictEqual } from "node:util";
import type { CfnResource } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import type { BillingStack } from "../../infra/billing-stack.js";
import { toHttpRouteKey } from "../../infra/stack/route-keys.js";
import { type FunctionSpec, functions, resources, routeTable } from "../../infra/wiring.js";
import { synthStack } from "../support/cdk-app.js";

interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
interface CfnTemplateJson {
  readonly Resources: Record<string, CfnResourceJson>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}
interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

let stack: BillingStack;
let template: ReturnType<typeof synthStack>["template"];
let json: CfnTemplateJson;

beforeAll(() => {
  ({ stack, template } = synthStack());
  json = template.toJSON() as CfnTemplateJson;
});

function logicalId(construct: IConstruct): string {
  const cfn = construct.node.defaultChild as CfnResource | undefined;
  if (!cfn) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.getLogicalId(cfn);
}
const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
const arnOf = (construct: IConstruct) => ({ "Fn::GetAtt": [logicalId(construct), "Arn"] });

function fnOf(spec: FunctionSpec) {
  const fn = stack.functions.get(spec.id);
  if (!fn) throw new Error(`no function for ${spec.id}`);
  return fn;
}
function tableOf(id: string) {
  const table = stack.tables.get(id);
  if (!table) throw new Error(`no table ${id}`);
  return table;
}
function queueOf(id: string) {
  const queue = stack.queues.get(id);
  if (!queue) throw new Error(`no queue ${id}`);
  return queue;
}
/** The properties of a resource that must exist; a missing one fails the test with its id. */
function propertiesOf(id: string): Record<string, unknown> {
  const properties = json.Resources[id]?.Properties;
  if (!properties) throw new Error(`resource ${id} with properties not in the template`);
  return properties;
}
function resourcesOfType(type: string): Array<[string, CfnResourceJson]> {
  return Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);
}
function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every statement of every policy attached to the function's execution role. */
function statementsOf(spec: FunctionSpec): Statement[] {
  const role = fnOf(spec).role;
  if (!role) throw new Error(`${spec.id} has no role`);
  const roleRef = ref(role);
  return resourcesOfType("AWS::IAM::Policy")
    .filter(([, policy]) => asArray(policy.Properties?.Roles).some((r) => isDeepStrictEqual(r, roleRef)))
    .flatMap(([id]) => (propertiesOf(id).PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Actions the function may perform on a resource (its ARN, or anything built from it). */
function actionsOn(spec: FunctionSpec, target: IConstruct): Set<string> {
  const arn = JSON.stringify(arnOf(target));
  return new Set(
    statementsOf(spec)
      .filter((s) => s.Effect === "Allow" && asArray(s.Resource).some((r) => JSON.stringify(r).includes(arn)))
      .flatMap((s) => asArray(s.Action)),
  );
}

function expectedEnvVarNames(spec: FunctionSpec): string[] {
  return [
    "POWERTOOLS_SERVICE_NAME",
    "NODE_OPTIONS",
    ...spec.tables.map(([table]) => table.envVar),
    ...(spec.sendsTo ?? []).map((queue) => queue.envVar),
    ...(spec.publishesDomainEvents ? [resources.eventBus.envVar] : []),
    ...(spec.documents ? [resources.documentsBucket.envVar] : []),
    ...(spec.deadLettersTo ?? []).map((queue) => queue.deadLetterEnvVar as string),
    ...(spec.signsWebhooks ? ["LAGO_API_URL"] : []),
    ...(spec.secrets ?? []).map((secret) => secret.envVar),
  ].sort();
}

describe("functions", () => {
  it("has exactly one Lambda function per wiring function", () => {
    template.resourceCountIs("AWS::Lambda::Function", functions.length);
  });

  it.each(functions.map((spec) => [spec.id, spec] as const))(
    "%s: arm64, nodejs22.x, size and timeout",
    (_, spec) => {
      template.hasResource("AWS::Lambda::Function", {
        Properties: Match.objectLike({
          Runtime: "nodejs22.x",
          Architectures: ["arm64"],
          Handler: "index.handler",
          MemorySize: spec.memoryMiB,
          Timeout: spec.timeoutSeconds,
          TracingConfig: { Mode: "Active" },
          LoggingConfig: Match.objectLike({ LogGroup: ref(fnOf(spec).logGroup) }),
          Environment: {
            Variables: Match.objectLike({
              POWERTOOLS_SERVICE_NAME: spec.id,
              NODE_OPTIONS: "--enable-source-maps",
            }),
          },
        }),
      });
    },
  );

  it.each(functions.map((spec) => [spec.id, spec] as const))(
    "%s: environment names exactly the resources it accesses, with their physical names",
    (_, spec) => {
      const environment = propertiesOf(logicalId(fnOf(spec))).Environment as {
        Variables: Record<string, unknown>;
      };
      const variables = environment.Variables;
      expect(Object.keys(variables).sort()).toEqual(expectedEnvVarNames(spec));
      for (const [table] of spec.tables) expect(variables[table.envVar]).toEqual(ref(tableOf(table.id)));
      for (const queue of spec.sendsTo ?? [])
        expect(variables[queue.envVar]).toEqual(ref(queueOf(queue.id).queue));
      if (spec.publishesDomainEvents) {
        expect(variables[resources.eventBus.envVar]).toEqual({
          "Fn::GetAtt": [logicalId(stack.eventBus), "Name"],
        });
      }
      if (spec.documents)
        expect(variables[resources.documentsBucket.envVar]).toEqual(ref(stack.documentsBucket));
      // A secret is named, never given: its value is read from Secrets Manager at run time.
      for (const secret of spec.secrets ?? [])
        expect(variables[secret.envVar]).toEqual(ref(stack.secrets.get(secret.id) as never));
    },
  );

  it("every function has its own log group with a retention", () => {
    for (const spec of functions) {
      const logGroup = json.Resources[logicalId(fnOf(spec).logGroup)];
      expect(logGroup?.Type).toBe("AWS::Logs::LogGroup");
      expect(logGroup?.Properties?.RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe("least privilege, from the wiring's access lists", () => {
  it.each(functions.map((spec) => [spec.id, spec] as const))("%s", (_, spec) => {
    for (const tableSpec of resources.tables) {
      const access = spec.tables.find(([t]) => t.id === tableSpec.id)?.[1];
      const actions = actionsOn(spec, tableOf(tableSpec.id));
      if (!access) expect([...actions], `${spec.id} must not touch table ${tableSpec.id}`).toEqual([]);
      else {
        expect(actions.has("dynamodb:Query")).toBe(true);
        expect(actions.has("dynamodb:PutItem"), `${spec.id} ${access} on ${tableSpec.id}`).toBe(
          access === "readWrite",
        );
        expect(actions.has("dynamodb:UpdateItem")).toBe(access === "readWrite");
      }
    }
    for (const queueSpec of resources.queues) {
      const actions = actionsOn(spec, queueOf(queueSpec.id).queue);
      const sends = (spec.sendsTo ?? []).some((q) => q.id === queueSpec.id);
      const consumes = spec.consumes?.queue.id === queueSpec.id;
      expect(actions.has("sqs:SendMessage"), `${spec.id} sends to ${queueSpec.id}`).toBe(sends);
      expect(actions.has("sqs:ReceiveMessage"), `${spec.id} consumes ${queueSpec.id}`).toBe(consumes);
      expect(actions.has("sqs:DeleteMessage")).toBe(consumes);
      const deadLetters = (spec.deadLettersTo ?? []).some((q) => q.id === queueSpec.id);
      const deadLetterActions = actionsOn(spec, queueOf(queueSpec.id).deadLetterQueue);
      if (!deadLetters) expect([...deadLetterActions]).toEqual([]);
      else {
        expect(deadLetterActions.has("sqs:SendMessage")).toBe(true);
        expect(deadLetterActions.has("sqs:ReceiveMessage")).toBe(false);
      }
    }
    expect(actionsOn(spec, stack.eventBus).has("events:PutEvents")).toBe(spec.publishesDomainEvents === true);
    const bucketActions = actionsOn(spec, stack.documentsBucket);
    expect(bucketActions.has("s3:GetObject*")).toBe(spec.documents !== undefined);
    expect(bucketActions.has("s3:PutObject")).toBe(spec.documents === "readWrite");
  });

  it("no function role uses a managed policy", () => {
    for (const spec of functions) {
      const role = json.Resources[logicalId(fnOf(spec).role as IConstruct)];
      expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe("HTTP API", () => {
  it("has one route per wiring route, each integrated with its function (payload 2.0)", () => {
    const routes = routeTable();
    template.resourceCountIs("AWS::ApiGatewayV2::Route", routes.length);
    for (const { routeKey, fn } of routes) {
      const [, route] =
        resourcesOfType("AWS::ApiGatewayV2::Route").find(([, r]) => r.Properties?.RouteKey === routeKey) ??
        [];
      expect(route, routeKey).toBeDefined();
      expect(route?.Properties?.ApiId).toEqual(ref(stack.api));
      const target = JSON.stringify(route?.Properties?.Target);
      const [integrationId] = /"Ref":"([A-Za-z0-9]+)"/.exec(target)?.slice(1) ?? [];
      const integration = json.Resources[integrationId ?? ""];
      expect(integration?.Properties).toMatchObject({
        IntegrationType: "AWS_PROXY",
        PayloadFormatVersion: "2.0",
        IntegrationUri: arnOf(fnOf(fn)),
      });
    }
  });

  it("catches unmatched requests with $default", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "$default" });
  });

  it("has a throttled, access-logged, auto-deployed $default stage", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp("requestId") },
    });
  });

  it("rejects a malformed route key at synth time", () => {
    expect(() => toHttpRouteKey("FETCH /api/v1/x")).toThrow(/METHOD \/path/);
    expect(() => toHttpRouteKey("GET api/v1/x")).toThrow();
    expect(toHttpRouteKey("$default").key).toBe("$default");
    expect(toHttpRouteKey("GET /api/v1/plans/{code}").key).toBe("GET /api/v1/plans/{code}");
  });
});

describe("queues and consumers", () => {
  it.each(resources.queues.map((spec) => [spec.id, spec] as const))(
    "%s: DLQ, SSE, retention, visibility",
    (_, spec) => {
      const { queue, deadLetterQueue } = queueOf(spec.id);
      expect(json.Resources[logicalId(queue)]?.Properties).toMatchObject({
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        MessageRetentionPeriod: spec.retentionDays * 86_400,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: arnOf(deadLetterQueue), maxReceiveCount: spec.maxReceiveCount },
      });
      expect(json.Resources[logicalId(deadLetterQueue)]?.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
      });
      for (const q of [queue, deadLetterQueue]) {
        template.hasResourceProperties("AWS::SQS::QueuePolicy", {
          Queues: [ref(q)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
            ]),
          },
        });
      }
    },
  );

  it.each(resources.busRules.map((rule) => [rule.id, rule] as const))(
    "bus rule %s: every source with its prefix, on the domain bus, into its queue",
    (_, rule) => {
      template.hasResourceProperties("AWS::Events::Rule", {
        EventBusName: { "Fn::GetAtt": [logicalId(stack.eventBus), "Name"] },
        EventPattern: { source: [{ prefix: rule.sourcePrefix }] },
        Targets: [
          Match.objectLike({
            Arn: arnOf(queueOf(rule.queue.id).queue),
            DeadLetterConfig: { Arn: arnOf(queueOf(rule.queue.id).deadLetterQueue) },
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          }),
        ],
      });
      // The dead-letter queue takes what EventBridge could not deliver, from this rule only.
      const deadLetterPolicies = resourcesOfType("AWS::SQS::QueuePolicy").filter(([, policy]) =>
        isDeepStrictEqual(policy.Properties?.Queues, [ref(queueOf(rule.queue.id).deadLetterQueue)]),
      );
      expect(JSON.stringify(deadLetterPolicies)).toContain("events.amazonaws.com");
      // EventBridge may send to the queue, and only from a rule (the condition names its ARN).
      const statements = resourcesOfType("AWS::SQS::QueuePolicy")
        .filter(([, policy]) =>
          isDeepStrictEqual(policy.Properties?.Queues, [ref(queueOf(rule.queue.id).queue)]),
        )
        .flatMap(
          ([, policy]) =>
            (policy.Properties?.PolicyDocument as { Statement?: Array<Record<string, unknown>> } | undefined)
              ?.Statement ?? [],
        );
      const fromEvents = statements.filter(
        (statement) =>
          JSON.stringify(statement.Principal) === JSON.stringify({ Service: "events.amazonaws.com" }),
      );
      expect(fromEvents).toHaveLength(1);
      expect(JSON.stringify(fromEvents[0]?.Action)).toContain("sqs:SendMessage");
      expect(JSON.stringify(fromEvents[0]?.Condition)).toContain("aws:SourceArn");
    },
  );

  const consumers = functions.filter((spec) => spec.consumes);
  it("has exactly one event source mapping per consumer", () => {
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", consumers.length);
  });

  it.each(consumers.map((spec) => [spec.id, spec] as const))(
    "%s: batch settings and partial failures",
    (_, spec) => {
      const consumer = spec.consumes;
      if (!consumer) throw new Error("not a consumer");
      template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        FunctionName: ref(fnOf(spec)),
        EventSourceArn: arnOf(queueOf(consumer.queue.id).queue),
        BatchSize: consumer.batchSize,
        MaximumBatchingWindowInSeconds: consumer.maxBatchingWindowSeconds,
        ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency },
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      });
    },
  );
});

describe("tables", () => {
  it("has exactly the wiring's tables", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", resources.tables.length);
    template.resourceCountIs("AWS::DynamoDB::GlobalTable", 0);
  });

  it.each(resources.tables.map((spec) => [spec.id, spec] as const))(
    "%s: keys, billing, PITR, TTL, GSIs",
    (_, spec) => {
      const table = json.Resources[logicalId(tableOf(spec.id))];
      expect(table?.DeletionPolicy).toBe("Retain");
      expect(table?.UpdateReplacePolicy).toBe("Retain");
      expect(table?.Properties).toMatchObject({
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: "HASH" },
          { AttributeName: spec.sortKey, KeyType: "RANGE" },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
      });
      const indexes = (table?.Properties?.GlobalSecondaryIndexes ?? []) as unknown[];
      expect(indexes).toHaveLength(spec.indexes.length);
      for (const index of spec.indexes) {
        const projection =
          typeof index.projection === "string"
            ? { ProjectionType: index.projection }
            : { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] };
        expect(indexes).toContainEqual({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: "HASH" },
            { AttributeName: index.sortKey, KeyType: "RANGE" },
          ],
          Projection: projection,
        });
      }
    },
  );
});

describe("billing clock", () => {
  const scheduled = functions.filter((spec) => spec.scheduled);

  it("has one schedule per scheduled function", () => {
    template.resourceCountIs("AWS::Scheduler::Schedule", scheduled.length);
  });

  it.each(scheduled.map((spec) => [spec.id, spec] as const))("%s: rate, input, retries, DLQ", (_, spec) => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: `rate(${spec.scheduled?.everyMinutes} minutes)`,
      FlexibleTimeWindow: { Mode: "OFF" },
      State: "ENABLED",
      Target: Match.objectLike({
        Arn: arnOf(fnOf(spec)),
        Input: JSON.stringify({ now: "<aws.scheduler.scheduled-time>" }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});

describe("documents bucket", () => {
  it("is private, encrypted, versioned, TLS-only, logged and retained", () => {
    const bucket = json.Resources[logicalId(stack.documentsBucket)];
    expect(bucket?.DeletionPolicy).toBe("Retain");
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      VersioningConfiguration: { Status: "Enabled" },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.any(String) } },
    });
    const logging = propertiesOf(logicalId(stack.documentsBucket)).LoggingConfiguration as {
      DestinationBucketName: { Ref: string };
    };
    const logsRef = logging.DestinationBucketName.Ref;
    expect(logsRef).not.toBe(logicalId(stack.documentsBucket));
    expect(json.Resources[logsRef]?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: expect.anything(),
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: ref(stack.documentsBucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });
});

describe("alarms", () => {
  const topic = () => ref(stack.alarmTopic);
  const queueName = (queue: IConstruct) => ({ "Fn::GetAtt": [logicalId(queue), "QueueName"] });

  it("pages on every dead-letter queue holding a message", () => {
    for (const spec of resources.queues) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: queueName(queueOf(spec.id).deadLetterQueue) }],
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
        AlarmActions: [topic()],
      });
    }
  });

  it("pages on every source queue falling behind", () => {
    for (const spec of resources.queues) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "ApproximateAgeOfOldestMessage",
        Dimensions: [{ Name: "QueueName", Value: queueName(queueOf(spec.id).queue) }],
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 300,
        AlarmActions: [topic()],
      });
    }
  });

  it("pages on every function's errors", () => {
    for (const spec of functions) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "Errors",
        Namespace: "AWS/Lambda",
        Dimensions: [{ Name: "FunctionName", Value: ref(fnOf(spec)) }],
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
        AlarmActions: [topic()],
      });
    }
  });

  it("publishes to an encrypted, TLS-only topic CloudWatch may use", () => {
    const topicJson = json.Resources[logicalId(stack.alarmTopic)];
    expect(topicJson?.Properties?.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: "cloudwatch.amazonaws.com" }, Effect: "Allow" }),
        ]),
      },
    });
  });
});

describe("outputs", () => {
  const common = [
    ...resources.tables.map((t) => `${pascalCase(t.id)}TableName`),
    ...resources.queues.flatMap((q) => [
      `${pascalCase(q.id)}QueueUrl`,
      `${pascalCase(q.id)}DeadLetterQueueUrl`,
      `${pascalCase(q.id)}DeadLetterQueueArn`,
    ]),
    "EventBusName",
    "DocumentsBucketName",
    "AlarmTopicArn",
  ];

  it("names the API base URL and every resource", () => {
    expect(Object.keys(json.Outputs ?? {}).sort()).toEqual(["ApiUrl", ...common].sort());
    const apiUrl = JSON.stringify(json.Outputs?.ApiUrl?.Value);
    expect(apiUrl).toContain(logicalId(stack.api));
    expect(apiUrl).toContain("/api/v1");
  });

  it("gives each dead-letter queue's ARN, which SQS's redrive (start-message-move-task) takes", () => {
    for (const spec of resources.queues) {
      expect(json.Outputs?.[`${pascalCase(spec.id)}DeadLetterQueueArn`]?.Value).toEqual(
        arnOf(queueOf(spec.id).deadLetterQueue),
      );
    }
  });

  it("emulator mode only leaves out outputs referencing resources moto skips, and the API's URL", () => {
    const emulated = synthStack({ emulator: true }).template.toJSON() as CfnTemplateJson;
    const secretVariables = new Set(resources.secrets.map((secret) => secret.envVar));
    // Two known differences: the webhook deliverer's LAGO_API_URL references the HTTP API, which
    // moto skips; and moto skips secrets, so the emulator's functions find them by a name given in
    // advance (their variable and their read grant), where AWS's reference them.
    const comparable = (
      template: Record<string, { Type?: string; Properties?: Record<string, unknown> }>,
    ) => {
      const copy = structuredClone(template);
      for (const resource of Object.values(copy)) {
        const properties = resource.Properties ?? {};
        const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables;
        if (variables) {
          delete variables.LAGO_API_URL;
          for (const name of secretVariables) delete variables[name];
        }
        if (resource.Type === "AWS::SecretsManager::Secret") delete properties.Name;
        const document = properties.PolicyDocument as { Statement?: Array<{ Action?: unknown }> } | undefined;
        if (resource.Type === "AWS::IAM::Policy" && document?.Statement)
          document.Statement = document.Statement.filter(
            (statement) => !JSON.stringify(statement.Action).includes("secretsmanager:"),
          );
      }
      return copy;
    };
    expect(comparable(emulated.Resources)).toEqual(comparable(json.Resources));
    // Yet each secret's variable is there in both, and each function may read it.
    for (const resource of Object.values(emulated.Resources)) {
      const variables = (
        resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined
      )?.Variables;
      for (const name of secretVariables)
        if (variables && name in variables) expect(variables[name]).toMatch(/^ServerlessBilling-/);
    }
    expect(Object.keys(emulated.Outputs ?? {}).sort()).toEqual([...common].sort());
    // Types moto_server 5.2's CloudFormation skips (its log says "No Moto CloudFormation support").
    const skipped =
      /^AWS::(ApiGatewayV2::|Scheduler::|SQS::QueuePolicy|S3::BucketPolicy|SNS::TopicPolicy|CloudWatch::Alarm)/;
    const referenced = JSON.stringify(emulated.Outputs).matchAll(/"(?:Ref|Fn::GetAtt)":\["?([A-Za-z0-9]+)/g);
    for (const [, id] of referenced) {
      expect(emulated.Resources[id ?? ""]?.Type ?? "", `output references ${id}`).not.toMatch(skipped);
    }
  });
});

function pascalCase(id: string): string {
  return id
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
