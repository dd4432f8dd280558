import type { AdvanceFeeStore } from "../advance-charges/advance-fee-store.js";
import { isStandaloneHolder } from "../advance-charges/serialize-advance-fee.js";
import type { InvoiceQueries } from "../store/invoice-queries.js";
import { getFee } from "./get-fee.js";
import type { ListedFee } from "./list-fees.js";

export interface DeleteFeeDeps {
  readonly queries: Pick<InvoiceQueries, "invoicesWithIdPrefix" | "standaloneFee">;
  readonly advanceFees: Pick<AdvanceFeeStore, "record" | "discard">;
}

export type DeleteFeeOutcome =
  | { readonly kind: "deleted"; readonly fee: ListedFee }
  | { readonly kind: "not_found" }
  /** Lago's 405 `invoiced_fee`: a fee on an invoice goes with its invoice. */
  | { readonly kind: "invoiced" };

/**
 * `DELETE /fees/{id}` at `now`, as Lago's `Fees::DestroyService`: a standalone fee is discarded
 * (kept, so its event is never billed again, but no longer served, listed or regrouped); a fee on
 * an invoice is refused. Conditional on the fee being on no invoice still.
 */
export async function deleteFee(
  deps: DeleteFeeDeps,
  organizationId: string,
  id: string,
  now: string,
): Promise<DeleteFeeOutcome> {
  const found = await getFee(deps.queries, organizationId, id);
  if (!found) return { kind: "not_found" };
  if (!isStandaloneHolder(found.invoice)) return { kind: "invoiced" };
  const record = await deps.advanceFees.record(organizationId, found.fee.id);
  if (!record || record.invoiceId !== null) return { kind: "invoiced" };
  if (await deps.advanceFees.discard(organizationId, found.fee.id, now))
    return { kind: "deleted", fee: found };
  // Discarded or regrouped since it was read.
  const latest = await deps.advanceFees.record(organizationId, found.fee.id);
  return latest?.deletedAt !== undefined ? { kind: "not_found" } : { kind: "invoiced" };
}
