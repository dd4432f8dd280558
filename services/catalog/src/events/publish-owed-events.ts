import { createLogger } from "#shared/platform/logger.js";
import type { OwedCatalogEvent } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";

const logger = createLogger("catalog-events");

/**
 * Publishes owed events on the bus, each with the `unique_key` fixed at its change, and marks each
 * published (no longer owed) once the bus took it. A crash in between leaves it owed: published
 * again, with the same key, by the catalog clock.
 */
export async function publishOwedEvents(
  deps: Pick<CatalogDeps, "catalog" | "publish">,
  events: readonly OwedCatalogEvent[],
): Promise<void> {
  for (let i = 0; i < events.length; i += CONCURRENCY) {
    await Promise.all(
      events.slice(i, i + CONCURRENCY).map(async (event) => {
        await deps.publish(
          event.type,
          event.organizationId,
          { object_type: event.objectType, [event.objectType]: JSON.parse(event.bodyJson) },
          event.uniqueKey,
        );
        await deps.catalog.owedEventPublished(event);
      }),
    );
  }
}

/** Events published at once (a plan's deletion ending many subscriptions owes one each). */
const CONCURRENCY = 10;

/**
 * Publishes the events a request's change owes once the change is written. The change is done
 * whatever the bus answers: an event the bus did not take stays owed, and the catalog clock's
 * next run publishes it, so the request still succeeds.
 */
export async function publishAfterChange(
  deps: Pick<CatalogDeps, "catalog" | "publish">,
  events: readonly OwedCatalogEvent[],
): Promise<void> {
  try {
    await publishOwedEvents(deps, events);
  } catch (error) {
    logger.warn("owed events left to the catalog clock", {
      error: error instanceof Error ? error.message : String(error),
      events: events.map((event) => event.uniqueKey),
    });
  }
}

/** The owed events the catalog clock found due: each read again (it may be published meanwhile). */
export async function publishDueOwedEvents(
  deps: Pick<CatalogDeps, "catalog" | "publish">,
  due: ReadonlyArray<{ readonly organizationId: string; readonly uniqueKey: string }>,
): Promise<number> {
  const events = await Promise.all(
    due.map((entry) => deps.catalog.owedEvent(entry.organizationId, entry.uniqueKey)),
  );
  const owed = events.filter((event): event is OwedCatalogEvent => event !== undefined);
  await publishOwedEvents(deps, owed);
  return owed.length;
}
