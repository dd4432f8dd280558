import type { WebhookBody } from "#shared/contracts/domain-events.js";
import {
  EVENTS_ERRORS_WINDOW,
  eventsErrorsObject,
  hoursToReport,
  isEmptyReport,
  type ReportWindow,
} from "#shared/domain/event-errors/events-errors-report.js";
import type { DomainEventPublisher } from "#shared/platform/domain-event-publisher.js";
import { stableUuid } from "#shared/platform/ids.js";
import type { EventStore } from "#shared/store/event-store.js";

export interface ReportEventErrorsDeps {
  readonly events: EventStore;
  readonly publish: DomainEventPublisher;
  readonly window?: ReportWindow;
}

export interface EventErrorsRun {
  readonly now: string;
  /** Reports published by this run, one per organization and hour. */
  readonly reported: number;
}

/**
 * The hourly `events.errors` (Lago's events post-validation): for each closed UTC hour a run at
 * `now` covers, every organization noted with reportable errors received in it and not reported
 * yet gets one event listing them. Its `unique_key` comes from (organization, hour), so a run
 * repeated, or a crash between the publication and its mark, tells each endpoint once. It reads
 * the hours' notes, never every organization.
 */
export async function reportEventErrors(deps: ReportEventErrorsDeps, now: string): Promise<EventErrorsRun> {
  let reported = 0;
  for (const hour of hoursToReport(now, deps.window ?? EVENTS_ERRORS_WINDOW)) {
    const waiting = (await deps.events.errorHour(hour.startsAt)).filter((entry) => !entry.reportedAt);
    for (const { organizationId } of waiting) {
      const [errors, flaws] = await Promise.all([
        deps.events.errors(organizationId, hour.startsAt, hour.endsAt),
        deps.events.flaws(organizationId, hour.startsAt, hour.endsAt),
      ]);
      const report = eventsErrorsObject([
        ...errors
          .filter((error) => error.reason === "metric_not_found")
          .map((error) => ({ transactionId: error.transactionId, reason: "invalid_code" as const })),
        ...flaws.map((flaw) => ({ transactionId: flaw.transactionId, reason: flaw.flaw })),
      ]);
      if (!isEmptyReport(report)) {
        const body = {
          webhook_type: "events.errors",
          object_type: "events_errors",
          organization_id: organizationId,
          events_errors: report,
        } satisfies WebhookBody<"events.errors">;
        await deps.publish(
          body.webhook_type,
          organizationId,
          { object_type: body.object_type, events_errors: body.events_errors },
          stableUuid(body.webhook_type, organizationId, hour.startsAt),
        );
        reported++;
      }
      await deps.events.markErrorHourReported(hour.startsAt, organizationId, now);
    }
  }
  return { now, reported };
}
