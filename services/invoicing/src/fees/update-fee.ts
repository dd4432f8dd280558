import { feePaymentAt, isFeePaymentStatus } from "#shared/domain/invoices/fee-payment.js";
import type { AdvanceFeeStore } from "../advance-charges/advance-fee-store.js";
import { isStandaloneHolder } from "../advance-charges/serialize-advance-fee.js";
import type { InvoiceQueries } from "../store/invoice-queries.js";
import { getFee } from "./get-fee.js";

export interface UpdateFeeDeps {
  readonly queries: Pick<InvoiceQueries, "invoicesWithIdPrefix" | "standaloneFee">;
  readonly advanceFees: Pick<AdvanceFeeStore, "record" | "recordPayment">;
}

export type UpdateFeeOutcome =
  | { readonly kind: "updated" }
  | { readonly kind: "not_found" }
  /** Lago's 405 `invoiced_fee`: a fee on an invoice is paid with its invoice. */
  | { readonly kind: "invoiced" }
  | { readonly kind: "invalid_payment_status" };

/**
 * `PUT /fees/{id}` at `now`, as Lago's `Fees::UpdateService`: without a payment status nothing
 * changes; with one, a fee on an invoice is refused (checked before the value, as Lago does), a
 * status Lago does not know is refused, and a standalone fee takes it with its time. The write is
 * conditional on the fee being on no invoice still, so a regrouping meanwhile refuses it too.
 */
export async function updateFee(
  deps: UpdateFeeDeps,
  organizationId: string,
  id: string,
  paymentStatus: unknown,
  now: string,
): Promise<UpdateFeeOutcome> {
  const found = await getFee(deps.queries, organizationId, id);
  if (!found) return { kind: "not_found" };
  if (paymentStatus === undefined) return { kind: "updated" };
  if (!isStandaloneHolder(found.invoice)) return { kind: "invoiced" };
  const record = await deps.advanceFees.record(organizationId, found.fee.id);
  if (!record || record.invoiceId !== null) return { kind: "invoiced" };
  if (!isFeePaymentStatus(paymentStatus)) return { kind: "invalid_payment_status" };
  const updated = await deps.advanceFees.recordPayment(
    organizationId,
    found.fee.id,
    feePaymentAt(paymentStatus, now),
  );
  return updated ? { kind: "updated" } : { kind: "invoiced" };
}
