import type Decimal from "decimal.js";
import type { Charge } from "../catalog.js";
import { decimal } from "../money.js";
import type { ChargeUsage } from "./charge-usage.js";
import { dynamicAmount } from "./dynamic.js";
import { graduatedAmount } from "./graduated.js";
import { graduatedPercentageAmount } from "./graduated-percentage.js";
import type { ModelResult } from "./model-result.js";
import { packageAmount } from "./package.js";
import { percentageAmount } from "./percentage.js";
import {
  readGraduatedPercentageRanges,
  readGraduatedRanges,
  readPackage,
  readPercentage,
  readStandardAmount,
  readVolumeRanges,
} from "./properties.js";
import { type ProratedEvent, proratedGraduatedAmount } from "./prorated-graduated.js";
import { standardAmount } from "./standard.js";
import { volumeAmount } from "./volume.js";

export type PricedCharge = Pick<Charge, "chargeModel" | "properties" | "prorated">;

export interface PriceOptions {
  /** Values a percentage charge measures its free allowance on, when not the usage's own events. */
  readonly allowanceValues?: readonly Decimal[];
}

/** Unprorated units: only a prorated charge has units that differ from them. */
export function fullUnitsOf(charge: Pick<Charge, "prorated">, usage: ChargeUsage): Decimal {
  return (charge.prorated ? usage.fullUnits : undefined) ?? usage.units;
}

/** Applies the charge's model to the usage; no fee-level clamping here. */
export function priceModel(
  charge: PricedCharge,
  usage: ChargeUsage,
  currency: string,
  options: PriceOptions = {},
): ModelResult {
  const { properties } = charge;
  const fullUnits = fullUnitsOf(charge, usage);
  switch (charge.chargeModel) {
    case "standard":
      return {
        amount: standardAmount(usage.units, { amount: readStandardAmount(properties) }),
        amountDetails: {},
      };
    case "graduated":
      if (charge.prorated && (usage.proratedEvents || usage.fullUnits)) {
        return proratedGraduatedAmount(usage.units, proratedEvents(usage), readGraduatedRanges(properties));
      }
      return graduatedAmount(usage.units, readGraduatedRanges(properties));
    case "graduated_percentage":
      return graduatedPercentageAmount(usage.units, readGraduatedPercentageRanges(properties));
    case "package":
      return packageAmount(usage.units, readPackage(properties));
    case "percentage":
      return percentageAmount(
        {
          units: usage.units,
          eventsCount: usage.eventsCount,
          eventValues: usage.eventValues ?? [],
          ...(options.allowanceValues ? { allowanceValues: options.allowanceValues } : {}),
        },
        readPercentage(properties),
      );
    case "volume":
      return volumeAmount(usage.units, readVolumeRanges(properties), fullUnits);
    case "dynamic":
      return dynamicAmount(fullUnits, usage.preciseTotalAmountCents ?? decimal(0), currency);
  }
}

function proratedEvents(usage: ChargeUsage): readonly ProratedEvent[] {
  if (usage.proratedEvents) return usage.proratedEvents;
  const full = usage.fullUnits ?? usage.units;
  return full.isZero() ? [] : [{ full, prorated: usage.units }];
}
