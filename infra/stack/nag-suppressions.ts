/**
 * Every cdk-nag (AwsSolutions) finding this stack accepts, each with the reason it is accepted.
 * Acknowledgments are attached to the one CloudFormation resource that raised them, never to the
 * stack, so a new resource with the same problem still fails the synth.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin: `Validations.of(x).acknowledge({ id, reason })`
 * replaces v2's NagSuppressions, and a finding id carries its evidence, e.g.
 * `AwsSolutions-IAM5[Resource::<TableBilling0DCE9F0F.Arn>/index/*]`.
 */
import { type CfnResource, Stack, Validations } from "aws-cdk-lib";
import type { HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import * as iam from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { IConstruct } from "constructs";

function defaultChild(construct: IConstruct): CfnResource {
  const child = construct.node.defaultChild;
  if (!child) throw new Error(`${construct.node.path} has no CloudFormation resource to acknowledge on`);
  return child as CfnResource;
}

/** Lago's API authenticates with `Authorization: Bearer <api key>`, checked by the function. */
export function acknowledgeApiKeyAuth(route: HttpRoute): void {
  Validations.of(defaultChild(route)).acknowledge({
    id: "AwsSolutions-APIG4",
    reason:
      "Lago's REST API v1 authenticates every request with an organization API key (Bearer), which the " +
      "handler verifies against the hashed keys in DynamoDB and answers with Lago's own 401 body. An API " +
      "Gateway authorizer could not produce that contract and would add a second lookup per request.",
  });
}

/** The Stripe account's keys are Stripe's to roll: the operator rolls them there and stores them here. */
export function acknowledgeManualRotation(secret: IConstruct): void {
  Validations.of(defaultChild(secret)).acknowledge({
    id: "AwsSolutions-SMG4",
    reason:
      "The secret holds a Stripe account's API key and webhook signing secret, which only Stripe's dashboard " +
      "can roll; a rotation Lambda cannot make new ones. The operator rolls them at Stripe and updates the secret.",
  });
}

/** nodejs24.x exists; the code targets and is tested on Node 22. */
export function acknowledgeRuntimePin(fn: IFunction): void {
  Validations.of(defaultChild(fn)).acknowledge({
    id: "AwsSolutions-L1",
    reason:
      "Pinned to nodejs22.x, the Node line the project builds for and tests. Moving to " +
      "nodejs24.x is a deliberate upgrade with a test run, not something a new CDK release should do.",
  });
}

/** The queue is itself a dead-letter queue, of an EventBridge Scheduler target. */
export function acknowledgeSchedulerDeadLetterQueue(queue: IQueue): void {
  Validations.of(defaultChild(queue)).acknowledge({
    id: "AwsSolutions-SQS3",
    reason:
      "This queue is the dead-letter queue of the billing clock's schedule. cdk-nag only recognizes queues " +
      "named in another queue's RedrivePolicy as DLQs; a DLQ of a DLQ would have nothing to feed it.",
  });
}

interface WildcardRule {
  /** The finding's evidence, as cdk-nag prints it (`Resource::...` or `Action::...`). */
  readonly finding: RegExp;
  /** Every Allow statement that produces the finding must satisfy this, or it stays reported. */
  readonly statement: (actions: readonly string[], resources: readonly string[]) => boolean;
  readonly reason: string;
}

const S3_GRANT_ACTIONS = /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/;

/**
 * The wildcards CDK grants generate, each accepted only in the statement shape its grant produces.
 * Anything else with a `*` (a hand-written policy, a new grant) is still reported.
 */
const WILDCARD_RULES: readonly WildcardRule[] = [
  {
    finding: /^Resource::\*$/,
    statement: (actions) =>
      actions.every((action) => /^xray:Put(TraceSegments|TelemetryRecords)$/.test(action)),
    reason:
      "Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level " +
      "permissions, so their resource must be '*'.",
  },
  {
    finding: /^Resource::<Table[A-Za-z0-9]+\.Arn>\/index\/\*$/,
    statement: (actions) => actions.every((action) => action.startsWith("dynamodb:")),
    reason:
      "table.grantReadData / grantReadWriteData also grant the table's own global secondary indexes " +
      "(<table ARN>/index/*); the function queries them (gsi1, the sparse due index). The scope is one table.",
  },
  {
    finding: /^Resource::<DocumentsBucket[A-Za-z0-9]+\.Arn>\/\*$/,
    statement: (actions) => actions.every((action) => action.startsWith("s3:")),
    reason:
      "bucket.grantRead / grantReadWrite on the invoice documents bucket: objects are keyed by organization " +
      "and invoice, unknown in advance, so the grant covers the bucket's objects and nothing outside it.",
  },
  {
    finding: S3_GRANT_ACTIONS,
    statement: (_actions, resources) => resources.every((resource) => /^<DocumentsBucket/.test(resource)),
    reason:
      "The action wildcards of bucket.grantRead / grantReadWrite (GetObject* includes GetObjectVersion on the " +
      "versioned bucket; Abort* and List* serve multipart uploads of PDFs), limited to the documents bucket.",
  },
  {
    finding:
      /^Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:[A-Za-z0-9-]+-\*$/,
    statement: (actions) =>
      actions.every(
        (action) => action === "secretsmanager:GetSecretValue" || action === "secretsmanager:DescribeSecret",
      ),
    reason:
      "Only in the emulator stack (moto's CloudFormation skips secrets, so none can be referenced): the secret " +
      "is found by its name, and Secrets Manager appends six random characters to a secret's ARN, hence '-*'.",
  },
  {
    finding: /^Resource::<Fn[A-Za-z0-9]+\.Arn>:\*$/,
    statement: (actions) => actions.every((action) => action === "lambda:InvokeFunction"),
    reason:
      "The EventBridge Scheduler target role may invoke the scheduled function and its versions/aliases " +
      "(<function ARN>:*), as the LambdaInvoke target grants; no other function.",
  },
];

/** Mirrors cdk-nag's IAM5 evidence strings (utils/flatten-cfn-reference). */
function flatten(reference: unknown): string {
  if (typeof reference === "string") return reference.replace(/\$\{/g, "<").replace(/\}/g, ">");
  if (reference && typeof reference === "object") {
    const node = reference as Record<string, unknown>;
    const join = node["Fn::Join"];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ("Fn::Sub" in node) return flatten(node["Fn::Sub"]);
    const getAtt = node["Fn::GetAtt"];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if ("Fn::ImportValue" in node) return flatten(node["Fn::ImportValue"]);
    if ("Ref" in node) return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(reference);
}

interface ResolvedStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Acknowledges the IAM5 findings of every IAM policy in the stack that a rule above explains for
 * every statement raising it. Runs once the stack is built, so all grants are in the documents.
 */
export function acknowledgeGrantWildcards(stack: Stack): void {
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof iam.CfnPolicy)) continue;
    const document = Stack.of(construct).resolve(construct.policyDocument) as {
      Statement?: ResolvedStatement[];
    };
    // finding -> whether every statement raising it is covered by one rule; and that rule's reason
    const verdicts = new Map<string, { covered: boolean; reason?: string }>();
    for (const statement of document.Statement ?? []) {
      if (statement.Effect !== "Allow") continue;
      const actions = asArray(statement.Action);
      const resources = asArray(statement.Resource).map(flatten);
      const findings = [
        ...actions.filter((action) => action.includes("*")).map((action) => `Action::${action}`),
        ...resources.filter((resource) => resource.includes("*")).map((resource) => `Resource::${resource}`),
      ];
      for (const finding of findings) {
        const rule = WILDCARD_RULES.find((r) => r.finding.test(finding) && r.statement(actions, resources));
        const previous = verdicts.get(finding);
        verdicts.set(finding, {
          covered: (previous?.covered ?? true) && rule !== undefined,
          reason: rule?.reason ?? previous?.reason,
        });
      }
    }
    for (const [finding, verdict] of verdicts) {
      if (!verdict.covered || !verdict.reason) continue;
      Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: verdict.reason });
    }
  }
}
