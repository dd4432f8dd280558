/**
 * `npm run redrive`: puts every message of the local runtime's dead-letter queues back into its
 * source queue (POST /_local/redrive on http://127.0.0.1:${PORT:-3000}). On AWS, SQS redrives a
 * dead-letter queue itself; without a local runtime this says how.
 */
export {}; // a module, for top-level await

const port = process.env.PORT || "3000";
const url = `http://127.0.0.1:${port}/_local/redrive`;

const AWS_WAY = [
  "On AWS, dead-letter queues are redriven by SQS itself (the stack outputs name them):",
  "  aws sqs start-message-move-task --source-arn <EventsDeadLetterQueueArn>",
  "  aws sqs start-message-move-task --source-arn <BillingJobsDeadLetterQueueArn>",
  "or, in the SQS console, open the dead-letter queue and choose “Start DLQ redrive”.",
  "Follow a task with: aws sqs list-message-move-tasks --source-arn <the same ARN>",
].join("\n");

let response: Response;
try {
  response = await fetch(url, { method: "POST", body: "{}" });
} catch {
  console.error(
    `No local runtime answers on http://127.0.0.1:${port} (start it with npm start, or set PORT).`,
  );
  console.error(AWS_WAY);
  process.exit(1);
}
const body = (await response.json().catch(() => undefined)) as
  | { redriven?: Record<string, number> }
  | undefined;
if (!response.ok || !body?.redriven) {
  console.error(`${url} answered ${response.status}: is this the billing local runtime?`);
  console.error(AWS_WAY);
  process.exit(1);
}
const total = Object.values(body.redriven).reduce((sum, count) => sum + count, 0);
for (const [queue, count] of Object.entries(body.redriven))
  console.log(`${queue}: ${count} message(s) moved back`);
console.log(
  total === 0
    ? "The dead-letter queues were empty."
    : `${total} message(s) are back in their queues; POST /_local/drain waits until they are processed.`,
);
