/**
 * The deployed system, generated from `infra/wiring.ts`: every function, route, queue consumer,
 * schedule, table, queue, bus and bucket below comes from iterating the wiring, so the stack and
 * the local runtime cannot drift. Nothing here names a particular function or table.
 */
import { createRequire } from "node:module";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  HttpApi,
  HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { type ICommandHooks, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { IndexSpec, QueueSpec, TableSpec } from "../shared/src/platform/resources.js";
import {
  acknowledgeApiKeyAuth,
  acknowledgeGrantWildcards,
  acknowledgeManualRotation,
  acknowledgeRuntimePin,
  acknowledgeSchedulerDeadLetterQueue,
} from "./stack/nag-suppressions.js";
import { toHttpRouteKey } from "./stack/route-keys.js";
import { type FunctionSpec, functions, resources } from "./wiring.js";

export interface BillingStackProps extends StackProps {
  /**
   * Deploying into moto_server: leave out the outputs that reference resource types moto's
   * CloudFormation skips (it then fails the whole deploy). The resources themselves stay, so the
   * template is otherwise the one AWS gets.
   */
  readonly emulator?: boolean;
  /**
   * Steady-state requests per second the API stage accepts before answering 429. The default sits
   * well under the account-wide 10,000 rps, so one runaway client cannot use up the quota every
   * other API in the account shares; raise it per deployment.
   */
  readonly apiRateLimit?: number;
  readonly apiBurstLimit?: number;
}

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Bundling hooks that copy package files (the documents renderer's fonts) next to the bundle, so
 * the function reads them from its own folder at run time, and only that function carries them.
 */
function copyIntoBundle(files: NonNullable<FunctionSpec["bundledFiles"]>): ICommandHooks {
  const resolve = createRequire(import.meta.url).resolve;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      files.flatMap(({ packagePath, target }) => {
        const source = relative(REPO_ROOT, resolve(packagePath));
        const folder = target.includes("/") ? target.slice(0, target.lastIndexOf("/")) : ".";
        return [`mkdir -p "${outputDir}/${folder}"`, `cp "${inputDir}/${source}" "${outputDir}/${target}"`];
      }),
  };
}

/** A source queue whose oldest message is older than this is not keeping up. */
const QUEUE_AGE_ALARM_SECONDS = 300;
const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** "invoicing-worker" -> "InvoicingWorker": construct ids and output names from wiring ids. */
function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

export class BillingStack extends Stack {
  readonly api: HttpApi;
  readonly tables = new Map<string, dynamodb.Table>();
  readonly queues = new Map<string, { queue: sqs.Queue; deadLetterQueue: sqs.Queue }>();
  readonly functions = new Map<string, NodejsFunction>();
  readonly eventBus: events.EventBus;
  readonly documentsBucket: s3.Bucket;
  readonly alarmTopic: sns.Topic;
  /** Secrets the functions read (the Stripe account's keys), set by the operator after deploying. */
  readonly secrets = new Map<string, secretsmanager.Secret>();
  private readonly emulator: boolean;

  constructor(scope: Construct, id: string, props: BillingStackProps = {}) {
    super(scope, id, props);
    this.emulator = props.emulator ?? false;

    this.alarmTopic = this.createAlarmTopic();
    for (const spec of resources.tables) this.tables.set(spec.id, this.createTable(spec));
    for (const spec of resources.queues) this.queues.set(spec.id, this.createQueue(spec));
    this.eventBus = new events.EventBus(this, "DomainEvents", {
      description: "Billing domain events (invoice created, finalized, payment status changed)",
    });
    this.documentsBucket = this.createDocumentsBucket();
    for (const spec of resources.secrets) {
      const secret = new secretsmanager.Secret(this, `Secret${pascal(spec.id)}`, {
        description: spec.description,
        // moto's CloudFormation skips secrets, so a reference to one resolves to nothing there: in
        // the emulator the functions find it by a name known in advance instead.
        ...(this.emulator ? { secretName: this.emulatorSecretName(spec.id) } : {}),
      });
      acknowledgeManualRotation(secret);
      this.secrets.set(spec.id, secret);
    }
    for (const rule of resources.busRules) {
      const { queue, deadLetterQueue } = this.requireQueue(rule.queue.id);
      // Every event whose source starts with the prefix, whichever service published it.
      const busRule = new events.Rule(this, `Rule${pascal(rule.id)}`, {
        eventBus: this.eventBus,
        description: `Domain events with a source starting ${rule.sourcePrefix} to queue ${rule.queue.id}`,
        eventPattern: { source: events.Match.prefix(rule.sourcePrefix) },
        targets: [
          new targets.SqsQueue(queue, {
            // An event EventBridge cannot put in the queue (a policy or throttling) is retried for a
            // day, then kept in the queue's dead-letter queue, with its alarm, for a redrive to
            // resend: never dropped unseen.
            deadLetterQueue,
            retryAttempts: 185,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
      // The bus by its name (GetAtt), not its Ref: moto's CloudFormation fails a rule whose bus is a Ref.
      (busRule.node.defaultChild as events.CfnRule).eventBusName = this.eventBusName();
    }

    for (const spec of functions) this.functions.set(spec.id, this.createFunction(spec));

    this.api = this.createApi(props);
    // jwt webhook signatures name the API as their issuer (Lago's LAGO_API_URL). Not in moto: it
    // skips the HTTP API, and a reference to it fails the deploy (the issuer is then the default).
    for (const spec of functions) {
      if (spec.signsWebhooks && !props.emulator)
        this.requireFunction(spec.id).addEnvironment("LAGO_API_URL", `${this.api.apiEndpoint}/api/v1`);
    }
    for (const spec of functions) {
      if (spec.scheduled) this.createSchedule(spec, spec.scheduled.everyMinutes);
    }

    this.createOutputs(props.emulator ?? false);
    acknowledgeGrantWildcards(this);
  }

  private createTable(spec: TableSpec): dynamodb.Table {
    const table = new dynamodb.Table(this, `Table${pascal(spec.id)}`, {
      partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: spec.ttlAttribute,
      // Invoices, usage and events are the business's books: a stack deletion must not take them.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    for (const index of spec.indexes) table.addGlobalSecondaryIndex(indexProps(index));
    return table;
  }

  private createQueue(spec: QueueSpec): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
    const name = pascal(spec.id);
    const deadLetterQueue = new sqs.Queue(this, `Queue${name}Dlq`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to inspect and redrive what failed.
      retentionPeriod: Duration.days(14),
    });
    const queue = new sqs.Queue(this, `Queue${name}`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(spec.retentionDays),
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
    });
    this.alarm(`Queue${name}DlqNotEmpty`, {
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      description: `Messages of queue ${spec.id} failed ${spec.maxReceiveCount} times and wait in its DLQ`,
    });
    this.alarm(`Queue${name}Backlog`, {
      metric: queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: QUEUE_AGE_ALARM_SECONDS,
      evaluationPeriods: 5,
      description: `The oldest message of queue ${spec.id} waited more than ${QUEUE_AGE_ALARM_SECONDS} s for 5 minutes`,
    });
    return { queue, deadLetterQueue };
  }

  private createDocumentsBucket(): s3.Bucket {
    const accessLogs = new s3.Bucket(this, "AccessLogsBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return new s3.Bucket(this, "DocumentsBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "documents/",
      // Issued invoices and credit notes are legal documents.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createFunction(spec: FunctionSpec): NodejsFunction {
    const name = pascal(spec.id);
    const logGroup = new logs.LogGroup(this, `Fn${name}Logs`, { retention: LOG_RETENTION });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new iam.Role(this, `Fn${name}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${spec.id}`,
    });
    logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: spec.id,
      NODE_OPTIONS: "--enable-source-maps",
    };
    const fn = new NodejsFunction(this, `Fn${name}`, {
      description: spec.description,
      entry: `${REPO_ROOT}${spec.entry}`,
      handler: "handler",
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMiB,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment,
      bundling: {
        format: OutputFormat.ESM,
        target: "node22",
        // Prefer packages' ESM builds (middy is ESM only); CJS dependencies bundled into ESM still
        // call `require` for Node built-ins, which the banner provides.
        mainFields: ["module", "main"],
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too, so the deployed code runs the SDK versions the tests ran, not
        // whichever the runtime ships that month.
        bundleAwsSDK: true,
        externalModules: [],
        forceDockerBundling: false,
        tsconfig: `${REPO_ROOT}tsconfig.json`,
        ...(spec.bundledFiles ? { commandHooks: copyIntoBundle(spec.bundledFiles) } : {}),
      },
    });
    acknowledgeRuntimePin(fn);

    for (const [tableSpec, access] of spec.tables) {
      const table = this.requireTable(tableSpec.id);
      if (access === "readWrite") table.grantReadWriteData(fn);
      else table.grantReadData(fn);
      fn.addEnvironment(tableSpec.envVar, table.tableName);
    }
    for (const queueSpec of spec.sendsTo ?? []) {
      const { queue } = this.requireQueue(queueSpec.id);
      queue.grantSendMessages(fn);
      fn.addEnvironment(queueSpec.envVar, queue.queueUrl);
    }
    for (const queueSpec of spec.deadLettersTo ?? []) {
      const { deadLetterQueue } = this.requireQueue(queueSpec.id);
      if (!queueSpec.deadLetterEnvVar) throw new Error(`Queue ${queueSpec.id} names no dead-letter variable`);
      deadLetterQueue.grantSendMessages(fn);
      fn.addEnvironment(queueSpec.deadLetterEnvVar, deadLetterQueue.queueUrl);
    }
    if (spec.publishesDomainEvents) {
      this.eventBus.grantPutEventsTo(fn);
      fn.addEnvironment(resources.eventBus.envVar, this.eventBusName());
    }
    if (spec.documents) {
      if (spec.documents === "readWrite") this.documentsBucket.grantReadWrite(fn);
      else this.documentsBucket.grantRead(fn);
      fn.addEnvironment(resources.documentsBucket.envVar, this.documentsBucket.bucketName);
    }
    for (const secretSpec of spec.secrets ?? []) {
      const secret = this.secrets.get(secretSpec.id);
      if (!secret) throw new Error(`Secret ${secretSpec.id} is not created`);
      // Read once per container and kept in memory only; never passed as a value in the environment.
      if (this.emulator) {
        const name = this.emulatorSecretName(secretSpec.id);
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            resources: [
              this.formatArn({
                service: "secretsmanager",
                resource: "secret",
                resourceName: `${name}-*`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        );
        fn.addEnvironment(secretSpec.envVar, name);
        continue;
      }
      secret.grantRead(fn);
      // Its ARN: Secrets Manager finds a secret by it, and it names no other.
      fn.addEnvironment(secretSpec.envVar, secret.secretArn);
    }
    if (spec.consumes) {
      const consumer = spec.consumes;
      const { queue } = this.requireQueue(consumer.queue.id);
      if (consumer.queue.visibilityTimeoutSeconds < spec.timeoutSeconds) {
        throw new Error(`Queue ${consumer.queue.id} must stay invisible longer than ${spec.id} may run`);
      }
      fn.addEventSource(
        new SqsEventSource(queue, {
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
          maxConcurrency: consumer.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }

    this.alarm(`Fn${name}Errors`, {
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      description: `Function ${spec.id} failed (an error thrown or a timeout)`,
    });
    return fn;
  }

  private createApi(props: BillingStackProps): HttpApi {
    const api = new HttpApi(this, "Api", {
      description: "Lago-compatible billing API v1",
      // The stage is made below, with throttling and access logs, which the default stage lacks.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, "ApiAccessLogs", { retention: LOG_RETENTION });
    new HttpStage(this, "ApiStage", {
      httpApi: api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: props.apiRateLimit ?? 500, burstLimit: props.apiBurstLimit ?? 1000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // HTTP API context variables only (REST API ones such as $context.caller are rejected).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            responseLength: "$context.responseLength",
            latencyMs: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    for (const spec of functions) {
      if (!spec.routes?.length) continue;
      const integration = new HttpLambdaIntegration(
        `Integration${pascal(spec.id)}`,
        this.requireFunction(spec.id),
        {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        },
      );
      for (const routeKey of spec.routes) {
        const route = new HttpRoute(this, `Route ${routeKey}`, {
          httpApi: api,
          routeKey: toHttpRouteKey(routeKey),
          integration,
        });
        acknowledgeApiKeyAuth(route);
      }
    }
    return api;
  }

  private createSchedule(spec: FunctionSpec, everyMinutes: number): void {
    const name = pascal(spec.id);
    // Invocations the scheduler could not deliver after its retries land here. A lost tick is
    // harmless (the next one closes every period due by its `now`), but a clock that keeps
    // failing must page someone.
    const deadLetterQueue = new sqs.Queue(this, `Schedule${name}Dlq`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeSchedulerDeadLetterQueue(deadLetterQueue);
    new scheduler.Schedule(this, `Schedule${name}`, {
      description: `Runs ${spec.id} every ${everyMinutes} minutes with the scheduled time as "now"`,
      // In minutes, as the wiring says it (CDK's rate() writes 60 minutes as "rate(1 hour)").
      schedule: scheduler.ScheduleExpression.expression(`rate(${everyMinutes} minutes)`),
      timeWindow: scheduler.TimeWindow.off(),
      target: new LambdaInvoke(this.requireFunction(spec.id), {
        input: scheduler.ScheduleTargetInput.fromObject({ now: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        // A tick older than one period is superseded by the next tick.
        maxEventAge: Duration.minutes(everyMinutes),
        deadLetterQueue,
      }),
    });
    this.alarm(`Schedule${name}DlqNotEmpty`, {
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      description: `The scheduler could not invoke ${spec.id}`,
    });
  }

  private createAlarmTopic(): sns.Topic {
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key (its key
    // policy cannot be changed), so the topic gets its own key that CloudWatch may use.
    const key = new kms.Key(this, "AlarmTopicKey", {
      description: "Encrypts the billing alarm topic",
      enableKeyRotation: true,
      // Only alarm notifications in flight depend on it; nothing stored stays encrypted with it.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    );
    return new sns.Topic(this, "AlarmTopic", {
      displayName: "Billing alarms",
      masterKey: key,
      enforceSSL: true,
    });
  }

  private alarm(
    id: string,
    options: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      evaluationPeriods?: number;
    },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      // No datapoints means no traffic, which is not a failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
  }

  /** The name a secret has in the emulator, where functions cannot reference it. */
  private emulatorSecretName(id: string): string {
    return `${this.stackName}-${id}`;
  }

  private createOutputs(emulator: boolean): void {
    // moto skips AWS::ApiGatewayV2::* and then fails a deploy whose outputs reference the API.
    if (!emulator) {
      new CfnOutput(this, "ApiUrl", {
        value: `${this.api.apiEndpoint}/api/v1`,
        description: "Base URL for Lago clients (lago-javascript-client baseUrl)",
      });
    }
    for (const [id, table] of this.tables) {
      new CfnOutput(this, `${pascal(id)}TableName`, { value: table.tableName });
    }
    for (const [id, { queue, deadLetterQueue }] of this.queues) {
      new CfnOutput(this, `${pascal(id)}QueueUrl`, { value: queue.queueUrl });
      new CfnOutput(this, `${pascal(id)}DeadLetterQueueUrl`, { value: deadLetterQueue.queueUrl });
      // What `aws sqs start-message-move-task --source-arn` takes to redrive the queue.
      new CfnOutput(this, `${pascal(id)}DeadLetterQueueArn`, { value: deadLetterQueue.queueArn });
    }
    new CfnOutput(this, "EventBusName", { value: this.eventBusName() });
    new CfnOutput(this, "DocumentsBucketName", { value: this.documentsBucket.bucketName });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarmTopic.topicArn });
  }

  /**
   * The bus name as `Fn::GetAtt [Bus, Name]` rather than CDK's `Ref`: the same value on AWS, but
   * moto's CloudFormation resolves a Ref to an event bus to an object instead of its name.
   */
  private eventBusName(): string {
    return (this.eventBus.node.defaultChild as events.CfnEventBus).attrName;
  }

  private requireTable(id: string): dynamodb.Table {
    const table = this.tables.get(id);
    if (!table) throw new Error(`Table ${id} is used by the wiring but not listed in resources.tables`);
    return table;
  }

  private requireQueue(id: string): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
    const queue = this.queues.get(id);
    if (!queue) throw new Error(`Queue ${id} is used by the wiring but not listed in resources.queues`);
    return queue;
  }

  private requireFunction(id: string): NodejsFunction {
    const fn = this.functions.get(id);
    if (!fn) throw new Error(`Function ${id} is not in the wiring`);
    return fn;
  }
}

function indexProps(index: IndexSpec): dynamodb.GlobalSecondaryIndexProps {
  const keys = {
    indexName: index.name,
    partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
  };
  if (index.projection === "ALL") return { ...keys, projectionType: dynamodb.ProjectionType.ALL };
  if (index.projection === "KEYS_ONLY") return { ...keys, projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  return {
    ...keys,
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: [...index.projection],
  };
}
