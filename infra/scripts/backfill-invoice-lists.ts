/**
 * Puts invoices written before the invoice list indexes into them, in a deployed stack (or any
 * emulator), once the indexes exist (docs/invoice-lists.md):
 *
 *   INVOICING_TABLE=<InvoicingTableName stack output> npm run backfill-invoice-lists
 *
 * Uses the caller's AWS credentials; safe to run again.
 */
import { backfillListIndexes } from "../../services/invoicing/src/store/backfill-list-index.js";

if (!process.env.INVOICING_TABLE) {
  console.error("Usage: INVOICING_TABLE=<InvoicingTableName stack output> npm run backfill-invoice-lists");
  process.exit(2);
}
console.log(JSON.stringify(await backfillListIndexes()));
