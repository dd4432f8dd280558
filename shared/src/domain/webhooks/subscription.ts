/**
 * Which endpoints receive a webhook (pure). As Lago's `subscribed?`: an endpoint with no event
 * types listed receives every type. An empty list is taken as none listed too: Lago's API stores
 * `[]` as given, but an endpoint that asked for no type at all is what a user means by "all".
 */
export interface SubscribingEndpoint {
  readonly eventTypes: readonly string[] | null;
}

export function isSubscribed(endpoint: SubscribingEndpoint, webhookType: string): boolean {
  if (!endpoint.eventTypes || endpoint.eventTypes.length === 0) return true;
  return endpoint.eventTypes.includes(webhookType);
}
