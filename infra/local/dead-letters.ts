/**
 * The local runtime's dead-letter queues: an alarm line when messages land in one (CloudWatch's
 * DLQ-not-empty alarm in the deployed stack), and the redrive that puts them back in their source
 * queue (SQS's own redrive on AWS).
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { ProvisionedQueue } from "./provision.js";
import { messagesIn, moveAllMessages } from "./queue-messages.js";

export type RedriveSummary = Record<string, number>;

/** Moves every message of every dead-letter queue back to its source queue; counts per queue id. */
export async function redriveDeadLetters(
  sqs: SQSClient,
  queues: readonly ProvisionedQueue[],
): Promise<RedriveSummary> {
  const summary: RedriveSummary = {};
  for (const queue of queues)
    summary[queue.spec.id] = await moveAllMessages(sqs, queue.deadLetterUrl, queue.url);
  return summary;
}

const queueName = (url: string) => url.slice(url.lastIndexOf("/") + 1);

export function deadLetterAlarm(queue: ProvisionedQueue, holding: number, added: number): string {
  const messages = (n: number) => `${n} message${n === 1 ? "" : "s"}`;
  return (
    `[alarm] dead-letter queue ${queueName(queue.deadLetterUrl)} holds ${messages(holding)} ` +
    `(${added} new) that queue ${queue.spec.id} failed to process ${queue.spec.maxReceiveCount} times. ` +
    "Fix the cause (see the errors above), then put them back: npm run redrive (POST /_local/redrive)"
  );
}

/**
 * Looks at every dead-letter queue every `everyMs` and logs an alarm line when one holds more
 * messages than at the last look; returns a function that stops watching.
 */
export function watchDeadLetters(
  sqs: SQSClient,
  queues: readonly ProvisionedQueue[],
  log: (line: string) => void,
  everyMs = 2000,
): { check(): Promise<void>; stop(): Promise<void> } {
  const seen = new Map<string, number>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const check = () => {
    running = running.then(async () => {
      for (const queue of queues) {
        if (stopped) return;
        const holding = await messagesIn(sqs, queue.deadLetterUrl).catch(() => undefined);
        if (holding === undefined) continue;
        const before = seen.get(queue.spec.id) ?? 0;
        if (holding > before) log(deadLetterAlarm(queue, holding, holding - before));
        seen.set(queue.spec.id, holding);
      }
    });
    return running;
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return {
    check,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
