/** What one HTTP attempt gave: an answer (any status), or no answer and why. */
export type PostOutcome =
  | { readonly kind: "answer"; readonly httpStatus: number; readonly body: string }
  | { readonly kind: "no_answer"; readonly error: string };

export type WebhookPoster = (
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
) => Promise<PostOutcome>;

/** How much of an answer's body is kept on the attempt. */
export const RESPONSE_LIMIT = 1000;

/**
 * POSTs over `fetch`, giving up after `timeoutMs` (the answer's body included) and never following
 * a redirect: a 3xx is an answer like any other non-2xx, so a receiver cannot send the signed body
 * elsewhere.
 */
export const postWebhook: WebhookPoster = async (url, headers, body, timeoutMs) => {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal });
    const text = await response.text();
    return { kind: "answer", httpStatus: response.status, body: text.slice(0, RESPONSE_LIMIT) };
  } catch (error) {
    if (signal.aborted) return { kind: "no_answer", error: `timed out after ${timeoutMs} ms` };
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return { kind: "no_answer", error: String(cause?.code ?? cause?.message ?? (error as Error).message) };
  }
};
