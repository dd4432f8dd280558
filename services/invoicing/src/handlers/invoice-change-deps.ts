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
 * The charge fees a period's invoice bills: its plan's charges billed in arrears. Pay-in-advance
 * charges are billed at each event (services/invoicing/src/advance-charges), so, as in Lago's
 * `Invoices::CalculateFeesService`, the period's invoice leaves them out.
 */
export function arrearsChargeFees(sources: UsageSources): ChargeFeesSource {
  return (subscription, plan, window, timezone) =>
    periodChargeFees(
      sources,
      subscription,
      { ...plan, charges: plan.charges.filter((charge) => !charge.payInAdvance) },
      window,
      timezone,
    );
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
