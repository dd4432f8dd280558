import { eventBridgeClient } from "#shared/platform/aws-clients.js";
import { eventBus, resourceName } from "#shared/platform/resources.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { periodChargeFees, type UsageSources } from "#shared/usage/period-charge-fees.js";
import type { ChargeFeesSource } from "../billing/close-due-periods.js";
import { eventBridgePublisher } from "../billing/domain-events.js";
import type { InvoiceChangeDeps } from "../invoices/refresh-draft.js";
import { InvoiceStore } from "../store/invoice-store.js";

/**
 * The charge fees a period's invoice bills, as Lago's `Invoices::CalculateFeesService` chooses
 * them: its charges billed in arrears, and its invoiceable pay-in-advance charges on recurring
 * metrics (their usage carries into the next period, which the invoice closing this one bills
 * ahead), except when the subscription ends with the period billed. Other pay-in-advance charges
 * are billed at each event only (services/invoicing/src/advance-charges).
 */
export function arrearsChargeFees(sources: UsageSources): ChargeFeesSource {
  return async (subscription, plan, window, timezone) => {
    const advance = plan.charges.filter((charge) => charge.payInAdvance);
    const ends = subscription.terminatedAt !== null && subscription.terminatedAt <= window.chargesUntil;
    const recurring = new Set<string>();
    if (!ends && advance.some((charge) => charge.invoiceable)) {
      const codes = [...new Set(advance.map((charge) => charge.billableMetricCode))];
      for (const code of codes) {
        const metric = await sources.catalog.getMetric(subscription.organizationId, code);
        if (metric?.recurring) recurring.add(code);
      }
    }
    const billed = plan.charges.filter(
      (charge) => !charge.payInAdvance || (charge.invoiceable && recurring.has(charge.billableMetricCode)),
    );
    return periodChargeFees(sources, subscription, { ...plan, charges: billed }, window, timezone);
  };
}

/**
 * What billing and changing invoices read and write, as a function has them: the catalog, events
 * and usage read only, invoicing's own table, the bus. Each handler builds it on first use, so
 * resource names come from the environment the function runs in.
 */
export function invoiceChangeDeps(): InvoiceChangeDeps {
  const catalog = new CatalogStore();
  const events = new EventStore();
  const usage = new UsageStore();
  return {
    catalog,
    organizations: new OrganizationStore(),
    invoices: new InvoiceStore(),
    chargeFees: arrearsChargeFees({ catalog, events, usage }),
    publish: eventBridgePublisher(eventBridgeClient(), resourceName(eventBus)),
  };
}
