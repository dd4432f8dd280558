import { describe, expect, it } from "vitest";
import { billingEntityCode } from "./billing-entity.js";
import type { Corrected, LagoShape } from "./lago-shape.js";

interface Sample {
  readonly required: string;
  readonly nullable: string | null;
  readonly optional?: number;
}

describe("LagoShape", () => {
  it("asks for every field, optional ones too, and takes null only where Lago sends a nil", () => {
    // These lines are the test: `npm run typecheck` fails if any expectation stops holding.
    const complete = { required: "a", nullable: null, optional: null } satisfies LagoShape<Sample>;
    // @ts-expect-error an optional field left out
    const missing = { required: "a", nullable: null } satisfies LagoShape<Sample>;
    // @ts-expect-error a field the client does not know
    const extra = { required: "a", nullable: null, optional: 1, other: 1 } satisfies LagoShape<Sample>;
    // @ts-expect-error a field of the wrong type
    const mistyped = { required: 1, nullable: null, optional: 1 } satisfies LagoShape<Sample>;
    // @ts-expect-error null where the client's type has none and the field is required
    const nulled = { required: null, nullable: null, optional: 1 } satisfies LagoShape<Sample>;
    const omitted = { required: "a", nullable: "b" } satisfies LagoShape<Sample, "optional">;
    const corrected = { required: null, nullable: null, optional: 1 } satisfies Corrected<
      LagoShape<Sample>,
      { required: string | null }
    >;
    expect([complete, missing, extra, mistyped, nulled, omitted, corrected]).toHaveLength(7);
  });
});

describe("billing entity code", () => {
  it("is the organization's name as Rails parameterizes it with underscores", () => {
    expect(billingEntityCode({ name: "Acme Inc." })).toBe("acme_inc");
    expect(billingEntityCode({ name: "Société Générale d'Énergie" })).toBe("societe_generale_d_energie");
    expect(billingEntityCode({ name: "  Hooli -- West  " })).toBe("hooli_--_west");
    expect(billingEntityCode({ name: "__x__" })).toBe("x");
  });
});
