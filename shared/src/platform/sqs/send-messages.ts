import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** SendMessageBatch takes at most 10 messages and 256 KiB in all. */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Sends messages in as few SendMessageBatch calls as the limits allow. A message SQS refuses is
 * retried once; if it still fails, the request fails and the client retries the whole request,
 * which is safe when the messages are idempotent (transaction ids, stable invoice ids).
 */
export async function enqueueMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly string[],
): Promise<number> {
  let calls = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const send = async (bodies: string[]) => {
    calls++;
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((MessageBody, index) => ({ Id: String(index), MessageBody })),
      }),
    );
    const failed = (result.Failed ?? []).map((entry) => bodies[Number(entry.Id)] as string);
    if (failed.length === 0) return;
    calls++;
    const retry = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: failed.map((MessageBody, index) => ({ Id: String(index), MessageBody })),
      }),
    );
    if ((retry.Failed ?? []).length > 0) {
      throw new Error(`SQS refused ${retry.Failed?.length} messages: ${retry.Failed?.[0]?.Message}`);
    }
  };
  for (const message of messages) {
    const bytes = Buffer.byteLength(message);
    if (batch.length === MAX_BATCH_ENTRIES || batchBytes + bytes > MAX_BATCH_BYTES) {
      await send(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(message);
    batchBytes += bytes;
  }
  if (batch.length > 0) await send(batch);
  return calls;
}
