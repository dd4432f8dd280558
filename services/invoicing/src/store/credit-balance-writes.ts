/**
 * Reading a customer's credit note balances and spending them at a finalization, as parts of the
 * finalization's own transaction: each note used is updated conditional on the balance read, so
 * two finalizations (or a void) can never spend one balance twice; a note spent to zero is
 * `consumed` and leaves its customer's balances.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CreditBalance, CreditBalanceUse } from "#shared/domain/credit-notes/consume-credit-balances.js";
import { creditBalanceKey, creditBalancesPrefix, creditNoteItemKey } from "#shared/store/invoice-keys.js";
import { queryAll } from "#shared/store/query.js";

/** The customer's credit notes with a balance left, oldest first. */
export async function readCreditBalances(
  client: DynamoDBDocumentClient,
  table: string,
  organizationId: string,
  customerId: string,
): Promise<CreditBalance[]> {
  const items = await queryAll(client, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": organizationId, ":prefix": creditBalancesPrefix(customerId) },
    ConsistentRead: true,
  });
  return items.map((item) => ({
    creditNoteId: String(item.creditNoteId),
    invoiceId: String(item.invoiceId),
    currency: String(item.currency),
    balanceAmountCents: Number(item.balanceAmountCents),
    issuedAt: String(item.issuedAt),
    number: typeof item.number === "string" ? item.number : "",
    invoiceNumber: typeof item.invoiceNumber === "string" ? item.invoiceNumber : "",
  }));
}

/**
 * The writes spending `uses` of the customer's `balances` (as read) at `now`: per note used, its
 * balance from the one read (and `consumed` at zero), and its copy under the customer moved the
 * same way or removed.
 */
export function creditBalanceUseWrites(
  table: string,
  organizationId: string,
  customerId: string,
  balances: readonly CreditBalance[],
  uses: readonly CreditBalanceUse[],
  now: string,
) {
  const byNote = new Map(balances.map((balance) => [balance.creditNoteId, balance]));
  return uses.flatMap((use) => {
    const balance = byNote.get(use.creditNoteId);
    if (!balance) throw new Error(`credit note ${use.creditNoteId} was used but not read`);
    const asRead = { ":before": use.balanceBeforeCents };
    const pointer = creditBalanceKey(organizationId, { customerId, ...balance });
    return [
      {
        Update: {
          TableName: table,
          Key: creditNoteItemKey(organizationId, use.creditNoteId),
          UpdateExpression: `SET balanceAmountCents = :after, updatedAt = :now${use.consumed ? ", creditStatus = :consumed" : ""} ADD version :one`,
          ConditionExpression: "balanceAmountCents = :before AND creditStatus = :available",
          ExpressionAttributeValues: {
            ...asRead,
            ":after": use.balanceAfterCents,
            ":now": now,
            ":one": 1,
            ":available": "available",
            ...(use.consumed ? { ":consumed": "consumed" } : {}),
          },
        },
      },
      use.consumed
        ? {
            Delete: {
              TableName: table,
              Key: pointer,
              ConditionExpression: "balanceAmountCents = :before",
              ExpressionAttributeValues: asRead,
            },
          }
        : {
            Update: {
              TableName: table,
              Key: pointer,
              UpdateExpression: "SET balanceAmountCents = :after",
              ConditionExpression: "balanceAmountCents = :before",
              ExpressionAttributeValues: { ...asRead, ":after": use.balanceAfterCents },
            },
          },
    ];
  });
}
