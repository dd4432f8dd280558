import type {
  CustomerChargeFiltersUsageObject,
  CustomerChargeGroupedUsageObject,
  CustomerChargeUsageObject,
} from "lago-javascript-client";
import type { ChargeFee } from "#shared/domain/charge-fees.js";
import { lagoDecimal } from "#shared/domain/charge-fees.js";
import { decimal } from "#shared/domain/money.js";
import { type Corrected, type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";

type FilterUsage = CustomerChargeFiltersUsageObject[number];
type GroupedUsage = CustomerChargeGroupedUsageObject[number];

/** Lago sends the default bucket (usage matching no filter) with null values and display name. */
type FilterUsageShape = Corrected<
  LagoShape<FilterUsage>,
  { values: Readonly<Record<string, readonly string[]>> | null }
>;

/** A pricing group's value is null for usage that lacks the key; Lago sends it as null. */
type GroupedUsageShape = Corrected<
  LagoShape<GroupedUsage>,
  { grouped_by: Readonly<Record<string, string | null>>; filters: FilterUsageShape[] }
>;

/** The charge's fields Lago sends beyond the client's type; charges have no code here. */
interface ChargeReferenceExtras {
  readonly code: null;
}

/** The client lists five charge models; Lago sends every one (graduated percentage, dynamic too). */
export type ChargeUsageShape = Corrected<
  LagoShape<CustomerChargeUsageObject>,
  {
    charge: Corrected<
      LagoShape<CustomerChargeUsageObject["charge"]>,
      { charge_model: ChargeFee["charge"]["chargeModel"] }
    > &
      ChargeReferenceExtras;
    filters: FilterUsageShape[];
    grouped_usage: GroupedUsageShape[];
  }
>;

function sumOf(fees: readonly ChargeFee[]) {
  return {
    units: lagoDecimal(fees.reduce((sum, fee) => sum.plus(fee.units), decimal(0))),
    // Lago's fee keeps the aggregation's total, else its units.
    total_aggregated_units: lagoDecimal(
      fees.reduce((sum, fee) => sum.plus(fee.totalAggregatedUnits ?? fee.units), decimal(0)),
    ),
    events_count: fees.reduce((sum, fee) => sum + fee.eventsCount, 0),
    amount_cents: fees.reduce((sum, fee) => sum + fee.amountCents, 0),
    // Pricing units and presentation breakdowns are not part of this product yet.
    pricing_unit_details: null,
    presentation_breakdowns: [],
  };
}

function filterUsage(fees: readonly ChargeFee[]): FilterUsageShape[] {
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
 * default bucket has null values) over all its usage, and per pricing group, each with its filters.
 */
export function chargesUsage(fees: readonly ChargeFee[], currency: string): ChargeUsageShape[] {
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
      amount_currency: lagoCurrency(currency),
      charge: {
        lago_id: charge.id,
        code: null,
        charge_model: charge.chargeModel,
        invoice_display_name: charge.invoiceDisplayName,
      },
      billable_metric: {
        lago_id: metric.id,
        name: metric.name,
        code: metric.code,
        aggregation_type: metric.aggregationType,
      },
      filters: filterUsage(chargeFees),
      grouped_usage: [...byGroup.values()].map((group) => ({
        ...sumOf(group),
        grouped_by: group[0]?.groupedBy ?? {},
        filters: filterUsage(group),
      })),
    };
  });
}
