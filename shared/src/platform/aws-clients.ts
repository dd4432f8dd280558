import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * One client per service per process, made on first use so the environment is read when a handler
 * runs, not when its module loads. The SDK itself honours AWS_REGION, AWS_ENDPOINT_URL and the
 * per-service AWS_ENDPOINT_URL_<SERVICE> variables, which is how moto_server or LocalStack is used.
 */
let dynamo: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let s3: S3Client | undefined;

export function documentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

export function sqsClient(): SQSClient {
  // TLS already protects message bodies in transit; the client's own MD5 of every body it sends
  // or receives is pure CPU on the ingest hot path.
  sqs ??= new SQSClient({ md5: false });
  return sqs;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= new EventBridgeClient({});
  return eventBridge;
}

export function s3Client(): S3Client {
  // Emulators serve buckets by path, not by virtual host.
  s3 ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });
  return s3;
}

/** Forgets every client, so the next call builds one from the current environment (tests). */
export function resetAwsClients(): void {
  dynamo = undefined;
  sqs = undefined;
  eventBridge = undefined;
  s3 = undefined;
}
