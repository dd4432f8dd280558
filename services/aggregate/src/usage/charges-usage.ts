import type { ChargeFee } from "#shared/domain/charge-fees.js";
import { lagoDecimal } from "#shared/domain/charge-fees.js";
import { decimal } from "#shared/domain/money.js";

function sumOf(fees: readonly ChargeFee[]) {
  return {
    units: lagoDecimal(fees.reduce((sum, fee) => sum.plus(fee.units), decimal(0))),
    events_count: fees.reduce((sum, fee) => sum + fee.eventsCount, 0),
    amount_cents: fees.reduce((sum, fee) => sum + fee.amountCents, 0),
  };
}

function filterUsage(fees: readonly ChargeFee[]) {
  const filtered = fees[0]?.charge.filters.length ?? 0;
  if (filtered === 0) return [];
  const byFilter = new Map<string | null, ChargeFee[]>();
  for (const fee of fees)
    byFilter.set(fee.filter?.id ?? null, [...(byFilter.get(fee.filter?.id ?? null) ?? []), fee]);
  return [...byFilter.values()].map((group) => {
    const filter = group[0]?.filter ?? null;
    return {
      ...sumOf(group),
      invoice_display_name: filter?.invoiceDisplayName ?? null,
      values: filter?.values ?? null,
    };
  });
}

/**
 * Lago's `charges_usage`: one entry per charge with its totals, the usage per filter (the
 * default bucket has null values) and per pricing group.
 */
export function chargesUsage(fees: readonly ChargeFee[], currency: string) {
  const byCharge = new Map<string, ChargeFee[]>();
  for (const fee of fees) byCharge.set(fee.charge.id, [...(byCharge.get(fee.charge.id) ?? []), fee]);
  return [...byCharge.values()].map((chargeFees) => {
    const { charge, metric } = chargeFees[0] as ChargeFee;
    const grouped = chargeFees.filter((fee) => fee.groupedBy !== null);
    const byGroup = new Map<string, ChargeFee[]>();
    for (const fee of grouped) {
      const key = JSON.stringify(fee.groupedBy);
      byGroup.set(key, [...(byGroup.get(key) ?? []), fee]);
    }
    return {
      ...sumOf(chargeFees),
      amount_currency: currency,
      charge: {
        lago_id: charge.id,
        charge_model: charge.chargeModel,
        invoice_display_name: charge.invoiceDisplayName,
      },
      billable_metric: {
        lago_id: metric.id,
        name: metric.name,
        code: metric.code,
        aggregation_type: metric.aggregationType,
      },
      filters: filterUsage(chargeFees.filter((fee) => fee.groupedBy === null)),
      grouped_usage: [...byGroup.values()].map((group) => ({
        ...sumOf(group),
        grouped_by: group[0]?.groupedBy ?? {},
        filters: filterUsage(group),
      })),
    };
  });
}
