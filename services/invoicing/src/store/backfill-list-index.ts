/**
 * Gives invoices written before the list indexes existed their list attributes, so they are
 * listed (docs/invoice-lists.md). Scans invoicing's table once for invoices without `listPk`, and
 * sets each one's attributes from the invoice as read, on the condition that it is unchanged since
 * (`updatedAt`) and still has none: a change made meanwhile wrote them itself. Safe to run again,
 * and while the API serves: an invoice already indexed is never rewritten.
 *
 * Such an invoice also predates the overdue partitions of the `due` index: a finalized, unpaid one
 * outside the index is put in its resting place there too, so it becomes overdue like the others.
 */
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Invoice } from "#shared/domain/invoice.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { isConditionFailure } from "#shared/store/errors.js";
import { listIndexAttributes } from "./invoice-list-index.js";
import { restingPlace } from "./invoice-store.js";

export interface BackfillOutcome {
  /** Invoices found without list attributes. */
  readonly found: number;
  /** Of those, given them here (the others were changed meanwhile, which gave them theirs). */
  readonly indexed: number;
}

export async function backfillListIndexes(
  client: DynamoDBDocumentClient = documentClient(),
  table: string = resourceName(invoicingTable),
): Promise<BackfillOutcome> {
  let found = 0;
  let indexed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: "kind = :invoice AND attribute_not_exists(listPk)",
        ExpressionAttributeValues: { ":invoice": "invoice" },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      found++;
      const invoice = item as unknown as Invoice;
      const resting = item.duePk === undefined ? restingPlace(invoice) : undefined;
      const attributes = Object.entries({
        ...listIndexAttributes({ ...invoice, fees: invoice.fees ?? [] }),
        ...resting,
      });
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: `SET ${attributes.map(([name]) => `${name} = :${name}`).join(", ")}`,
            ConditionExpression: `attribute_not_exists(listPk) AND updatedAt = :read${resting ? " AND attribute_not_exists(duePk)" : ""}`,
            ExpressionAttributeValues: {
              ...Object.fromEntries(attributes.map(([name, value]) => [`:${name}`, value])),
              ":read": invoice.updatedAt,
            },
          }),
        );
        indexed++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
  return { found, indexed };
}
