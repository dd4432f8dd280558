import type { SubscriptionChanged } from "#shared/contracts/invoicing-messages.js";
import type { Customer, Plan, Subscription } from "#shared/domain/catalog.js";
import { isOnTerminationCreditNote } from "#shared/domain/credit-notes/termination-credit-note.js";
import type { OnTerminationCreditNote } from "#shared/domain/credit-notes/termination-credit-split.js";
import { canceled, terminated } from "#shared/domain/subscriptions/lifecycle.js";
import { invalid, methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import type { CatalogStore, CatalogWrite, SubscriptionRecord } from "#shared/store/catalog-store.js";
import { type CatalogDeps, changeNotice } from "../catalog-deps.js";
import { type SubscriptionEventType, subscriptionEvent } from "../events/catalog-events.js";
import { publishAfterChange } from "../events/publish-owed-events.js";

/** A subscription ended now: what it becomes, its write, and the final invoice to ask for. */
export interface SubscriptionEnding {
  readonly ended: Subscription;
  readonly write: CatalogWrite;
  /** What invoicing is told (a terminated one's final invoice is made at once). */
  readonly notice: SubscriptionChanged;
  /**
   * The event it owes: `subscription.terminated` for a termination and for a pending one
   * canceled (Lago's termination sends it for both), `subscription.updated` for a subscription
   * whose waiting downgrade is canceled.
   */
  readonly event: SubscriptionEventType;
}

/**
 * Ends a subscription now: an active one is terminated and its final partial period billed; a
 * pending one (or, with `onlyPending`, an active one's pending downgrade) is canceled. A terminated
 * one keeps `onTerminationCreditNote`, for invoicing's credit note of its unused days.
 */
export function subscriptionEnding(
  catalog: CatalogStore,
  record: SubscriptionRecord,
  now: string,
  onlyPending = false,
  onTerminationCreditNote?: OnTerminationCreditNote,
): SubscriptionEnding {
  const { subscription } = record;
  if (subscription.status === "pending") {
    const ended = canceled(subscription, now);
    return {
      ended,
      write: catalog.subscriptionSave(record, ended, now),
      notice: changeNotice(ended, now),
      event: "subscription.terminated",
    };
  }
  if (subscription.status !== "active") throw methodNotAllowed("subscription_not_active");
  if (onlyPending) {
    if (!subscription.nextPlanCode) throw notFound("subscription");
    const withoutDowngrade = { ...subscription, nextPlanCode: null, nextPlanAt: null, updatedAt: now };
    return {
      ended: withoutDowngrade,
      write: catalog.subscriptionSave(record, withoutDowngrade, now),
      notice: changeNotice(withoutDowngrade, now),
      event: "subscription.updated",
    };
  }
  const ended = {
    ...terminated(subscription, now, "terminated"),
    ...(onTerminationCreditNote ? { onTerminationCreditNote } : {}),
  };
  return {
    ended,
    write: catalog.subscriptionSave(record, ended, now),
    notice: changeNotice(ended, now),
    event: "subscription.terminated",
  };
}

/**
 * What terminating an active subscription records of `on_termination_credit_note`, as Lago keeps
 * it for plans paid in advance only: the value asked, else the one recorded, else `credit`. An
 * unknown value is refused (Lago's 422) for those plans and ignored for the others, as Lago does.
 */
async function creditNoteChoice(
  deps: CatalogDeps,
  subscription: Subscription,
  asked: string | undefined,
): Promise<OnTerminationCreditNote | undefined> {
  if (subscription.status !== "active") return undefined;
  const plan = await deps.catalog.planOf(subscription);
  if (!plan?.payInAdvance) return undefined;
  if (!asked) return subscription.onTerminationCreditNote ?? "credit";
  if (!isOnTerminationCreditNote(asked)) throw invalid("on_termination_credit_note", "invalid_value");
  return asked;
}

/**
 * Ends one subscription now (see `subscriptionEnding`); a termination records what
 * `onTerminationCreditNote` asks of its unused days (see `creditNoteChoice`).
 */
export async function endSubscription(
  deps: CatalogDeps,
  record: SubscriptionRecord,
  now: string,
  onlyPending = false,
  onTerminationCreditNote?: string,
): Promise<Subscription> {
  const choice = onlyPending
    ? undefined
    : await creditNoteChoice(deps, record.subscription, onTerminationCreditNote);
  const ending = subscriptionEnding(deps.catalog, record, now, onlyPending, choice);
  const owed = [await subscriptionEvent(deps, ending.event, ending.ended, now)];
  await deps.catalog.write([ending.write, ...owed.map((event) => deps.catalog.owedEventInsertion(event))]);
  await publishAfterChange(deps, owed);
  await deps.notifyInvoicing([ending.notice]);
  return ending.ended;
}

/** The current record of every live (active or pending) subscription matching `belongs`. */
export async function liveSubscriptionRecords(
  catalog: CatalogStore,
  organizationId: string,
  belongs: (subscription: Subscription) => boolean,
): Promise<SubscriptionRecord[]> {
  const live = (await catalog.listSubscriptions(organizationId)).filter(
    (s) => belongs(s) && (s.status === "active" || s.status === "pending"),
  );
  const records = await Promise.all(
    live.map((s) => catalog.subscriptionRecord(organizationId, s.externalId)),
  );
  return records.filter(
    (record): record is SubscriptionRecord =>
      record !== undefined &&
      belongs(record.subscription) &&
      (record.subscription.status === "active" || record.subscription.status === "pending"),
  );
}

/**
 * Ends every subscription of `records` now together with `last` (a plan's or a customer's
 * removal): all or nothing when it fits one transaction, else the subscriptions first and `last`
 * with the final ones, so the same request made again finishes an interrupted change.
 */
export async function endSubscriptionsWith(
  deps: CatalogDeps,
  records: readonly SubscriptionRecord[],
  now: string,
  last: readonly CatalogWrite[],
): Promise<void> {
  const endings = records.map((record) => subscriptionEnding(deps.catalog, record, now));
  // They share a plan or a customer: each is read once.
  const plans = new Map<string, Promise<Plan | undefined>>();
  const customers = new Map<string, Promise<Customer | undefined>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>) => {
    const known = cache.get(key) ?? read();
    cache.set(key, known);
    return known;
  };
  const first = endings[0];
  const organization = first ? await deps.organizations.get(first.ended.organizationId) : undefined;
  const told = await Promise.all(
    endings.map(async (ending) => {
      const { ended } = ending;
      const [plan, customer] = await Promise.all([
        once(plans, ended.planId, () => deps.catalog.planOf(ended)),
        once(customers, ended.customerId, () => deps.catalog.customerOf(ended)),
      ]);
      return {
        ending,
        event: await subscriptionEvent(deps, ending.event, ended, now, { plan, customer, organization }),
      };
    }),
  );
  // Each subscription's event right after it: beyond one transaction, a chunk may still end
  // between the two, and a change interrupted there ends that subscription untold.
  await deps.catalog.writeInChunks(
    told.flatMap(({ ending, event }) => [ending.write, deps.catalog.owedEventInsertion(event)]),
    last,
  );
  await publishAfterChange(
    deps,
    told.map(({ event }) => event),
  );
  if (endings.length > 0) await deps.notifyInvoicing(endings.map((ending) => ending.notice));
}
