/**
 * Watches domain events on the bus as a webhook dispatcher would: a rule sending those of some
 * sources (every service's by default, invoicing's alone for `observeInvoicingEvents`) to a queue
 * of the test's own, read and emptied by `take`.
 */
import { randomUUID } from "node:crypto";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { INVOICING_SOURCE } from "../../services/invoicing/src/billing/domain-events.js";
import { DOMAIN_EVENT_SOURCES, type DomainEventDetail } from "../../shared/src/contracts/domain-events.js";

/** One event as EventBridge delivers it: its type and the published detail. */
export interface BusEvent {
  readonly "detail-type": string;
  readonly detail: Record<string, unknown> & {
    readonly invoice: Record<string, unknown> & { readonly lago_id: string };
    readonly unique_key: string;
  };
}

/** One event of any service as EventBridge delivers it. */
export interface DomainBusEvent {
  readonly source: string;
  readonly "detail-type": string;
  readonly detail: DomainEventDetail;
}

export interface BusObserver<Event = BusEvent> {
  /** Every event published since the last call, in order of arrival. */
  take(): Promise<Event[]>;
  stop(): void;
}

/** Watches invoicing's events; call it after the AWS harness is up (the bus must exist). */
export function observeInvoicingEvents(): Promise<BusObserver> {
  return observeDomainEvents<BusEvent>([INVOICING_SOURCE]);
}

/** Watches the events of `sources` (every `serverless-billing.` source by default). */
export async function observeDomainEvents<Event = DomainBusEvent>(
  sources: readonly string[] = Object.values(DOMAIN_EVENT_SOURCES),
): Promise<BusObserver<Event>> {
  const sqs = new SQSClient({});
  const name = `observed-${randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  const events = new EventBridgeClient({});
  await events.send(
    new PutRuleCommand({
      Name: name,
      EventBusName: process.env.EVENT_BUS_NAME,
      EventPattern: JSON.stringify({ source: sources }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: process.env.EVENT_BUS_NAME,
      Targets: [{ Id: "queue", Arn: Attributes?.QueueArn }],
    }),
  );
  events.destroy();
  return {
    async take() {
      const seen: Event[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
        );
        if (Messages.length === 0) return seen;
        seen.push(...Messages.map((message) => JSON.parse(message.Body ?? "{}") as Event));
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
    },
    stop: () => sqs.destroy(),
  };
}
