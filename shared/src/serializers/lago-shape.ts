/**
 * How our serializers are checked against the object types `lago-javascript-client` exports:
 * each serializer's value `satisfies LagoShape<ClientType>`, so a field that is missing, misnamed
 * or of the wrong type fails the type check.
 */
import type { CountryOrNull, Currency, Timezone } from "lago-javascript-client";

/**
 * A client type with every field present. Lago's serializers write every key they have, a nil as
 * null, so a field the client marks optional is still sent: here it may be null but never absent.
 * `Omitted` names keys Lago itself leaves out in one context (said where it is used).
 */
export type LagoShape<T, Omitted extends keyof T = never> = {
  [K in Exclude<keyof T, Omitted>]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K];
};

/**
 * `T` with some fields' types replaced: where the client's type is narrower than what Lago
 * sends (a null it does not list, a value missing from its enum). Each use says why.
 */
export type Corrected<T, Fix> = Omit<T, keyof Fix> & Fix;

/**
 * The client lists the currencies, zones and countries Lago's UI offers; we accept every ISO 4217
 * code, IANA zone and ISO 3166 country code, as Lago's API does. The narrowing is only nominal.
 */
export const lagoCurrency = (code: string): Currency => code as Currency;
export const lagoTimezone = (zone: string): Timezone => zone as Timezone;
export const lagoCountry = (code: string | null): CountryOrNull | null => code as CountryOrNull | null;
