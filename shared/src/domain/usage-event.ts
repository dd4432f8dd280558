/** A usage event as accepted by the ingest API and carried to the aggregate consumer. */
export interface UsageEvent {
  readonly lagoId: string;
  readonly transactionId: string;
  readonly externalSubscriptionId: string;
  readonly code: string;
  /** UTC ISO 8601 instant with milliseconds. */
  readonly timestamp: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly preciseTotalAmountCents: string | null;
  readonly receivedAt: string;
}
