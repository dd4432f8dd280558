import { describe, expect, it } from "vitest";
import { draftAction, finalizationDate, finalizationInstant, gracePeriodEnded } from "./grace-period.js";
import { draftInvoice } from "./test-invoice.js";

const losAngeles = { graceDays: 3, timezone: "America/Los_Angeles" };
const kathmandu = { graceDays: 3, timezone: "Asia/Kathmandu" };

describe("the end of a draft's grace period", () => {
  it("is local midnight of the billing date plus the grace days, in the customer's timezone", () => {
    expect(finalizationDate(draftInvoice, 3)).toBe("2026-08-04");
    // PDT is UTC−7: local midnight of August 4 is 07:00 UTC, not 00:00 UTC as Lago's UTC date has it.
    expect(finalizationInstant(draftInvoice, 3, "America/Los_Angeles")).toBe("2026-08-04T07:00:00.000Z");
    // Kathmandu is UTC+05:45: its midnight is 18:15 UTC the day before.
    expect(finalizationInstant(draftInvoice, 3, "Asia/Kathmandu")).toBe("2026-08-03T18:15:00.000Z");
  });

  it("has not come on the UTC date in Los Angeles, and has come before the UTC date in Kathmandu", () => {
    // Lago finalizes both at the first hourly run of August 4 UTC.
    const utcMidnight = "2026-08-04T00:20:00.000Z";
    expect(gracePeriodEnded(draftInvoice, losAngeles, utcMidnight)).toBe(false);
    expect(gracePeriodEnded(draftInvoice, losAngeles, "2026-08-04T06:59:59.999Z")).toBe(false);
    expect(gracePeriodEnded(draftInvoice, losAngeles, "2026-08-04T07:00:00.000Z")).toBe(true);
    expect(gracePeriodEnded(draftInvoice, kathmandu, "2026-08-03T18:14:59.999Z")).toBe(false);
    expect(gracePeriodEnded(draftInvoice, kathmandu, "2026-08-03T18:15:00.000Z")).toBe(true);
  });

  it("follows the grace period as it is now: a shorter one ends it sooner, none at the billing date", () => {
    expect(finalizationInstant(draftInvoice, 1, "America/Los_Angeles")).toBe("2026-08-02T07:00:00.000Z");
    expect(gracePeriodEnded(draftInvoice, { ...losAngeles, graceDays: 0 }, "2026-08-01T07:00:00.000Z")).toBe(
      true,
    );
    expect(finalizationInstant(draftInvoice, 10, "America/Los_Angeles")).toBe("2026-08-11T07:00:00.000Z");
  });

  it("keeps the date a draft was made with when its billing date was not kept (Lago's issuing date fallback)", () => {
    const { billingDate: _none, ...older } = draftInvoice;
    expect(finalizationDate(older, 0)).toBe("2026-08-04");
    const { expectedFinalizationDate: _neither, ...oldest } = older;
    expect(finalizationDate({ ...oldest, issuingDate: "2026-08-05" }, 1)).toBe("2026-08-05");
  });

  it("crosses a DST change by local days: a November draft ends at the new offset's midnight", () => {
    const november = { ...draftInvoice, billingDate: "2026-11-01", expectedFinalizationDate: "2026-11-04" };
    // PST (UTC−8) from November 1.
    expect(finalizationInstant(november, 3, "America/Los_Angeles")).toBe("2026-11-04T08:00:00.000Z");
  });
});

describe("what the billing clock does with a draft", () => {
  it("finalizes it once its grace period has ended, flagged or not", () => {
    expect(draftAction(draftInvoice, losAngeles, "2026-08-04T07:00:00.000Z")).toBe("finalize");
    expect(
      draftAction({ ...draftInvoice, readyToBeRefreshed: true }, losAngeles, "2026-08-04T07:15:00.000Z"),
    ).toBe("finalize");
  });

  it("refreshes it during the grace period when flagged by late usage, or when its dates moved", () => {
    const during = "2026-08-02T12:00:00.000Z";
    expect(draftAction(draftInvoice, losAngeles, during)).toBeNull();
    expect(draftAction({ ...draftInvoice, readyToBeRefreshed: true }, losAngeles, during)).toBe("refresh");
    // The grace period went from 3 to 5 days: the draft is issued on August 6 now.
    expect(draftAction(draftInvoice, { ...losAngeles, graceDays: 5 }, during)).toBe("refresh");
  });
});
