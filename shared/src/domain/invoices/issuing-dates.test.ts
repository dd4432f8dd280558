import { describe, expect, it } from "vitest";
import { applicableNetPaymentTermDays, billedInvoiceDates, finalizationDates } from "./issuing-dates.js";

describe("an invoice's dates", () => {
  it("issues a draft on the date its grace period ends, due the net payment term later", () => {
    expect(billedInvoiceDates("2026-08-01", 3, 30)).toEqual({
      issuingDate: "2026-08-04",
      expectedFinalizationDate: "2026-08-04",
      paymentDueDate: "2026-09-03",
      netPaymentTermDays: 30,
    });
    expect(billedInvoiceDates("2026-12-31", 0, 0)).toMatchObject({
      issuingDate: "2026-12-31",
      paymentDueDate: "2026-12-31",
    });
  });

  it("issues a finalized draft on the customer's local date of finalization", () => {
    // 03:00 UTC on August 3 is still August 2 in Los Angeles, already August 3 in Kathmandu.
    expect(finalizationDates("2026-08-03T03:00:00.000Z", "America/Los_Angeles", 15)).toEqual({
      issuingDate: "2026-08-02",
      paymentDueDate: "2026-08-17",
      netPaymentTermDays: 15,
    });
    expect(finalizationDates("2026-08-03T03:00:00.000Z", "Asia/Kathmandu", 0).issuingDate).toBe("2026-08-03");
    // Across a leap day.
    expect(finalizationDates("2028-02-28T12:00:00.000Z", "UTC", 2).paymentDueDate).toBe("2028-03-01");
  });

  it("takes the customer's net payment term, else the organization's", () => {
    expect(applicableNetPaymentTermDays({ netPaymentTermDays: 0 }, { netPaymentTermDays: 30 })).toBe(0);
    expect(applicableNetPaymentTermDays({ netPaymentTermDays: null }, { netPaymentTermDays: 30 })).toBe(30);
  });
});
