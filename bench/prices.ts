/**
 * AWS list prices, us-east-1, as published in November 2026, and the latencies the cost model
 * assumes for calls the bench cannot time here (moto answers on loopback, not as AWS does).
 */
export const PRICES = {
  /** API Gateway HTTP API, first 300 million requests a month. */
  apiGatewayPerMillionRequests: 1.0,
  /** Lambda requests. */
  lambdaPerMillionRequests: 0.2,
  /** Lambda duration, arm64 (Graviton), per GB-second. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** SQS standard queue requests (each 64 KB chunk of a payload is one request). */
  sqsPerMillionRequests: 0.4,
  /** DynamoDB on-demand write request units. */
  dynamoPerMillionWriteUnits: 0.625,
  /** DynamoDB on-demand read request units. */
  dynamoPerMillionReadUnits: 0.125,
  /** EventBridge custom events put on a bus (each 64 KB chunk of an entry is one event). */
  eventBridgePerMillionEvents: 1.0,
} as const;

export const ASSUMED = {
  /** Round trip of one SQS SendMessageBatch from Lambda in the same region. */
  sqsSendMs: 15,
  /** Round trip of one DynamoDB write or read from Lambda in the same region. */
  dynamoCallMs: 6,
  /** DynamoDB calls the consumer keeps in flight at once (`writeConcurrency`). */
  dynamoConcurrency: 25,
  /** Lambda's SQS poller: one receive and one delete call per batch of this many messages. */
  messagesPerConsumerBatch: 10,
} as const;
