/**
 * A printable document as plain data: who issues it, to whom, its reference and dates, a table of
 * lines and a summary of amounts, every value already formatted. Invoices map to it today
 * (`invoice-document.ts`), credit notes next; `render-document-pdf.ts` prints any of them.
 * Pure: no I/O, no clock.
 */
import { DateTime } from "luxon";
import { currencyExponent, decimal, subunitToUnit } from "#shared/domain/money.js";

/** A party's block: its name first, then its legal details and address, one line each. */
export interface DocumentParty {
  readonly heading: string;
  readonly lines: readonly string[];
}

export interface DocumentField {
  readonly label: string;
  readonly value: string;
}

export interface DocumentColumn {
  readonly label: string;
  readonly align: "left" | "right";
  /** Share of the table's width, the columns' shares summing to 1. */
  readonly width: number;
}

export interface DocumentRow {
  /** One value per column. */
  readonly cells: readonly string[];
  /** Smaller lines under the row's first cell (a description, a period, its taxes). */
  readonly details: readonly string[];
}

export interface DocumentSummaryLine {
  readonly label: string;
  readonly value: string;
  /** The line the reader looks for (a total). */
  readonly emphasis: boolean;
}

export interface RenderableDocument {
  /** "Invoice", "Credit note". */
  readonly title: string;
  /** Its number, printed beside the title. */
  readonly reference: string;
  readonly issuer: DocumentParty;
  readonly recipient: DocumentParty;
  /** Dates, terms and status, under the parties. */
  readonly fields: readonly DocumentField[];
  /** Lines of text before the table (billing periods, with their zone named). */
  readonly notes: readonly string[];
  readonly columns: readonly DocumentColumn[];
  readonly rows: readonly DocumentRow[];
  readonly summary: readonly DocumentSummaryLine[];
  /** The instant the document stands for (its issue), kept as the PDF's dates: the same document prints the same bytes. */
  readonly issuedAt: string;
}

/** The locale amounts and dates are printed in (Lago's default document locale is English). */
export const DOCUMENT_LOCALE = "en-US";

/** Minor units of `currency` printed in its format: 0 (JPY), 2 (EUR) or 3 (KWD) decimals, exactly. */
export function formatAmount(
  minorUnits: number | string,
  currency: string,
  locale = DOCUMENT_LOCALE,
): string {
  const exponent = currencyExponent(currency);
  const units = decimal(minorUnits).dividedBy(subunitToUnit(currency)).toFixed(exponent);
  return currencyFormat(currency, exponent, exponent, locale).format(units as Intl.StringNumericLiteral);
}

/**
 * A unit price (a decimal string in currency units, as fees keep it) in the currency's format,
 * with at least its currency's decimals and every further one it has, never rounded.
 */
export function formatUnitAmount(units: string, currency: string, locale = DOCUMENT_LOCALE): string {
  const exponent = currencyExponent(currency);
  const value = decimal(units);
  const decimals = Math.min(20, Math.max(exponent, value.decimalPlaces()));
  return currencyFormat(currency, exponent, decimals, locale).format(
    value.toFixed(decimals) as Intl.StringNumericLiteral,
  );
}

function currencyFormat(currency: string, min: number, max: number, locale: string) {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: min,
    maximumFractionDigits: max,
  });
}

/** A quantity as fees keep it (a decimal string), with thousands separated and no trailing zeros. */
export function formatQuantity(units: string, locale = DOCUMENT_LOCALE): string {
  const value = decimal(units);
  const decimals = Math.min(20, value.decimalPlaces());
  return new Intl.NumberFormat(locale, { maximumFractionDigits: decimals }).format(
    value.toFixed(decimals) as Intl.StringNumericLiteral,
  );
}

/** A tax rate as Lago keeps it ("20.0", "5.5") as a percentage. */
export function formatRate(rate: string): string {
  return `${decimal(rate).toFixed()}%`;
}

/** A local date (`2026-03-11`) as printed: "Mar 11, 2026". */
export function formatDate(isoDate: string, locale = DOCUMENT_LOCALE): string {
  return DateTime.fromISO(isoDate, { zone: "UTC" }).setLocale(locale).toFormat("LLL d, yyyy");
}

/** A span of instants as the days it covers in `timezone`: "Mar 1, 2026 – Mar 31, 2026" (end inclusive). */
export function formatDays(from: string, to: string, timezone: string, locale = DOCUMENT_LOCALE): string {
  const day = (instant: string) =>
    DateTime.fromISO(instant, { zone: timezone }).setLocale(locale).toFormat("LLL d, yyyy");
  return `${day(from)} – ${day(to)}`;
}

/**
 * A span of instants as the days it covers in `timezone`, the zone named with its offset at the
 * start: "Mar 1, 2026 – Mar 31, 2026 (Europe/Paris, UTC+1)". The end is inclusive (Lago's
 * periods end at 23:59:59 local time).
 */
export function formatPeriod(from: string, to: string, timezone: string, locale = DOCUMENT_LOCALE): string {
  const offset = DateTime.fromISO(from, { zone: timezone }).toFormat("Z");
  const zone = offset === "+0" ? "UTC" : `UTC${offset}`;
  return `${formatDays(from, to, timezone, locale)} (${timezone}, ${zone})`;
}
