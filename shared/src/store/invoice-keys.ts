import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { stableUuid } from "../platform/ids.js";
import { isConditionFailure } from "./errors.js";
import { joinKey } from "./keys.js";

/** The id of a subscription's invoice for a period: one per (subscription, period), whoever makes it. */
export function periodInvoiceId(
  organizationId: string,
  subscriptionId: string,
  periodStartsAt: string,
): string {
  return stableUuid("subscription-invoice", organizationId, subscriptionId, periodStartsAt);
}

export function invoiceItemKey(organizationId: string, invoiceId: string) {
  return { pk: organizationId, sk: joinKey("invoice", invoiceId) };
}

/**
 * Marks a period's invoice for refresh if, and only if, it exists and is still a draft: usage
 * arrived late for it. A finalized invoice, or none, is left alone (one conditional write, no read).
 */
export async function flagDraftForRefresh(
  client: DynamoDBDocumentClient,
  table: string,
  organizationId: string,
  subscriptionId: string,
  periodStartsAt: string,
): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: invoiceItemKey(organizationId, periodInvoiceId(organizationId, subscriptionId, periodStartsAt)),
        UpdateExpression: "SET readyToBeRefreshed = :yes",
        ConditionExpression: "#status = :draft",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":yes": true, ":draft": "draft" },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
