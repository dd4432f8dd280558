/**
 * Creates the tables, queues, bus and bucket of the wiring on an emulator (moto_server or
 * LocalStack), with the same keys, indexes and redrive policies the CDK stack declares.
 * Idempotent: what already exists is kept, so a persistent LocalStack can be reused.
 */

import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceAlreadyExistsException,
} from "@aws-sdk/client-eventbridge";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  ResourceExistsException as SecretsResourceExistsException,
} from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { QueueSpec, TableSpec } from "../../shared/src/platform/resources.js";
import { resources } from "../wiring.js";

export interface ProvisionedQueue {
  readonly spec: QueueSpec;
  readonly url: string;
  readonly deadLetterUrl: string;
}

export interface Provisioned {
  /** Environment variables naming each resource, exactly as the CDK stack sets them on functions. */
  readonly environment: Record<string, string>;
  readonly queues: readonly ProvisionedQueue[];
}

function createTableInput(spec: TableSpec, tableName: string): CreateTableCommandInput {
  const attributes = new Set<string>([spec.partitionKey, spec.sortKey]);
  for (const index of spec.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: spec.partitionKey, KeyType: "HASH" },
      { AttributeName: spec.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes:
      spec.indexes.length === 0
        ? undefined
        : spec.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" },
              { AttributeName: index.sortKey, KeyType: "RANGE" },
            ],
            Projection:
              typeof index.projection === "string"
                ? { ProjectionType: index.projection }
                : { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] },
          })),
  };
}

async function provisionTable(dynamo: DynamoDBClient, spec: TableSpec, tableName: string): Promise<void> {
  try {
    await dynamo.send(new CreateTableCommand(createTableInput(spec, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client: dynamo, maxWaitTime: 60 }, { TableName: tableName });
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.TableStatus !== "ACTIVE") throw new Error(`table ${tableName} is ${Table?.TableStatus}`);
  await dynamo
    .send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
      }),
    )
    .catch((error: Error) => {
      // Already enabled on a reused table.
      if (!/already enabled|TimeToLive is already/i.test(error.message)) throw error;
    });
}

async function provisionQueue(sqs: SQSClient, spec: QueueSpec, prefix: string): Promise<ProvisionedQueue> {
  const retention = String(spec.retentionDays * 24 * 3600);
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-${spec.id}-dlq`,
      Attributes: { MessageRetentionPeriod: retention },
    }),
  );
  const deadLetterUrl = dlq.QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ["QueueArn"] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-${spec.id}`,
      Attributes: {
        VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
        MessageRetentionPeriod: retention,
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: spec.maxReceiveCount,
        }),
      },
    }),
  );
  return { spec, url: queue.QueueUrl as string, deadLetterUrl };
}

/**
 * The Stripe account the local runtime uses: `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` when
 * set (a Stripe test account), else test values for a stand-in of Stripe (`STRIPE_API_URL`).
 */
export function localStripeAccount(): { secret_key: string; webhook_secret: string } {
  return {
    secret_key: process.env.STRIPE_SECRET_KEY || "sk_test_local_stand_in",
    webhook_secret: process.env.STRIPE_WEBHOOK_SECRET || "whsec_local_stand_in",
  };
}

/** Creates the secret `name` holding `value` as JSON, or sets its value if it exists. */
async function provisionSecret(name: string, value: unknown): Promise<void> {
  const secrets = new SecretsManagerClient({});
  try {
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
  } catch (error) {
    if (!(error instanceof SecretsResourceExistsException)) throw error;
    await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(value) }));
  } finally {
    secrets.destroy();
  }
}

/**
 * Provisions every resource of the wiring under `prefix` and says how to name them to handlers.
 * `busRules: false` leaves the bus's rules out (tests that never drain their queues).
 */
export async function provisionResources(
  prefix: string,
  options: { readonly busRules?: boolean } = {},
): Promise<Provisioned> {
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const events = new EventBridgeClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    const environment: Record<string, string> = {};
    await Promise.all(
      resources.tables.map(async (spec) => {
        const name = `${prefix}-${spec.id}`;
        await provisionTable(dynamo, spec, name);
        environment[spec.envVar] = name;
      }),
    );
    const queues = await Promise.all(resources.queues.map((spec) => provisionQueue(sqs, spec, prefix)));
    for (const queue of queues) {
      environment[queue.spec.envVar] = queue.url;
      if (queue.spec.deadLetterEnvVar) environment[queue.spec.deadLetterEnvVar] = queue.deadLetterUrl;
    }

    const busName = `${prefix}-${resources.eventBus.id}`;
    await events.send(new CreateEventBusCommand({ Name: busName })).catch((error: Error) => {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    });
    environment[resources.eventBus.envVar] = busName;
    // The same rules as the stack's: events whose source has the prefix, into their queue
    // (moto delivers a PutEvents to an SQS target at once). PutRule and PutTargets replace.
    for (const rule of options.busRules === false ? [] : resources.busRules) {
      const queue = queues.find((q) => q.spec.id === rule.queue.id);
      if (!queue) throw new Error(`bus rule ${rule.id} targets queue ${rule.queue.id}, not provisioned`);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ["QueueArn"] }),
      );
      const name = `${prefix}-${rule.id}`;
      await events.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: busName,
          EventPattern: JSON.stringify({ source: [{ prefix: rule.sourcePrefix }] }),
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: name,
          EventBusName: busName,
          Targets: [{ Id: rule.queue.id, Arn: Attributes?.QueueArn }],
        }),
      );
    }

    const bucket = `${prefix}-${resources.documentsBucket.id}`.toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: Error) => {
      if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(error.name)) throw error;
    });
    environment[resources.documentsBucket.envVar] = bucket;
    for (const spec of resources.secrets) {
      const name = `${prefix}-${spec.id}`;
      await provisionSecret(name, localStripeAccount());
      environment[spec.envVar] = name;
    }
    return { environment, queues };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    events.destroy();
    s3.destroy();
  }
}
