import type Decimal from "decimal.js";
import { decimal } from "../money.js";

/**
 * Reading stored charge properties (Lago's JSON shapes) into decimals. Properties are validated when
 * a charge is saved, so a missing value reads as Lago's default (0) and a malformed one is a bug
 * worth failing loudly on rather than billing at zero.
 */

type Properties = Readonly<Record<string, unknown>>;

export interface PricedRange {
  readonly fromValue: Decimal;
  readonly toValue: Decimal | null;
  readonly perUnitAmount: Decimal;
  readonly flatAmount: Decimal;
}

export interface RateRange {
  readonly fromValue: Decimal;
  readonly toValue: Decimal | null;
  /** Percent: "1" is 1 %. */
  readonly rate: Decimal;
  readonly flatAmount: Decimal;
}

export interface PackageProperties {
  readonly amount: Decimal;
  readonly packageSize: Decimal;
  readonly freeUnits: Decimal;
}

export interface PercentageProperties {
  /** Percent: "1.3" is 1.3 %. */
  readonly rate: Decimal;
  readonly fixedAmount: Decimal | null;
  /** 0 when not set. */
  readonly freeUnitsPerEvents: number;
  /** 0 when not set. */
  readonly freeUnitsPerTotalAggregation: Decimal;
  readonly perTransactionMinAmount: Decimal | null;
  readonly perTransactionMaxAmount: Decimal | null;
}

const isBlank = (value: unknown): boolean => value === undefined || value === null || value === "";

export function readDecimal(value: unknown, fallback: Decimal.Value = 0): Decimal {
  if (isBlank(value)) return decimal(fallback);
  if (typeof value === "string" || typeof value === "number") {
    try {
      return decimal(typeof value === "string" ? value.trim() : value);
    } catch {
      // fall through to the explicit error below
    }
  }
  throw new Error(`charge property value ${JSON.stringify(value)} is not a decimal`);
}

function readOptionalDecimal(value: unknown): Decimal | null {
  return isBlank(value) ? null : readDecimal(value);
}

function rangesOf(properties: Properties, key: string): readonly Properties[] {
  const ranges = properties[key];
  if (!Array.isArray(ranges)) return [];
  return ranges.filter((range): range is Properties => typeof range === "object" && range !== null);
}

function readBounds(range: Properties): Pick<PricedRange, "fromValue" | "toValue"> {
  return { fromValue: readDecimal(range.from_value), toValue: readOptionalDecimal(range.to_value) };
}

export function readGraduatedRanges(properties: Properties): PricedRange[] {
  return rangesOf(properties, "graduated_ranges").map(readPricedRange);
}

export function readVolumeRanges(properties: Properties): PricedRange[] {
  return rangesOf(properties, "volume_ranges").map(readPricedRange);
}

function readPricedRange(range: Properties): PricedRange {
  return {
    ...readBounds(range),
    perUnitAmount: readDecimal(range.per_unit_amount),
    flatAmount: readDecimal(range.flat_amount),
  };
}

export function readGraduatedPercentageRanges(properties: Properties): RateRange[] {
  return rangesOf(properties, "graduated_percentage_ranges").map((range) => ({
    ...readBounds(range),
    rate: readDecimal(range.rate),
    flatAmount: readDecimal(range.flat_amount),
  }));
}

export function readStandardAmount(properties: Properties): Decimal {
  return readDecimal(properties.amount);
}

export function readPackage(properties: Properties): PackageProperties {
  return {
    amount: readDecimal(properties.amount),
    // A package of 0 units would divide by zero; Lago's validator never lets one through.
    packageSize: readDecimal(properties.package_size, 1),
    freeUnits: readDecimal(properties.free_units),
  };
}

export function readPercentage(properties: Properties): PercentageProperties {
  const perEvents = readDecimal(properties.free_units_per_events);
  return {
    rate: readDecimal(properties.rate),
    fixedAmount: readOptionalDecimal(properties.fixed_amount),
    // Lago reads it with `to_i`: a fractional count truncates.
    freeUnitsPerEvents: perEvents.truncated().toNumber(),
    freeUnitsPerTotalAggregation: readDecimal(properties.free_units_per_total_aggregation),
    perTransactionMinAmount: readOptionalDecimal(properties.per_transaction_min_amount),
    perTransactionMaxAmount: readOptionalDecimal(properties.per_transaction_max_amount),
  };
}
