/**
 * The local runtime's control routes, `POST /_local/*`: what the scheduler, the SQS console and
 * the operator do on AWS, done by hand. They exist only locally; the stack never deploys them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RedriveSummary } from "./dead-letters.js";

export interface ControlActions {
  drain(): Promise<void>;
  tick(now: string): Promise<unknown>;
  createOrganization(name: string): Promise<unknown>;
  redrive(): Promise<RedriveSummary>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

const invalid = (field: string, code: string) => ({
  status: 422,
  error: "Unprocessable Entity",
  code: "validation_errors",
  error_details: { [field]: [code] },
});

export async function handleControl(
  actions: ControlActions,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  if (request.method !== "POST") return sendJson(response, 405, { status: 405, error: "Method Not Allowed" });
  const body = await readJson(request).catch(() => undefined);
  if (!body)
    return sendJson(response, 400, { status: 400, error: "BadRequest: the request body is not valid JSON" });
  switch (path) {
    case "/_local/drain":
      await actions.drain();
      return sendJson(response, 200, { drained: true });
    case "/_local/tick": {
      const now = typeof body.now === "string" ? new Date(body.now) : undefined;
      if (!now || Number.isNaN(now.getTime())) return sendJson(response, 422, invalid("now", "invalid_date"));
      return sendJson(response, 200, await actions.tick(now.toISOString()));
    }
    case "/_local/organizations": {
      const name = typeof body.name === "string" ? body.name.trim() : "";
      if (!name) return sendJson(response, 422, invalid("name", "value_is_mandatory"));
      return sendJson(response, 200, await actions.createOrganization(name));
    }
    case "/_local/redrive":
      return sendJson(response, 200, { redriven: await actions.redrive() });
    default:
      return sendJson(response, 404, { status: 404, error: "Not Found" });
  }
}
