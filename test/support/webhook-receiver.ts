/**
 * A local HTTP server standing for customers' webhook endpoints: it records every request (path,
 * headers, body as received) and answers as scripted per path, one answer per request in order
 * (an answer `200` once the script is used up).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptedAnswer =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  /** Answers nothing until the server stops: longer than any attempt's timeout. */
  | { readonly hang: true };

export interface ReceivedRequest {
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Answers for the next requests to `path`, in order. */
  script(path: string, ...answers: ScriptedAnswer[]): void;
  /** Every request to `path` (or all) so far. */
  received(path?: string): ReceivedRequest[];
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, ScriptedAnswer[]>();
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      requests.push({
        path,
        method: request.method ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const answer = scripts.get(path)?.shift() ?? { status: 200, body: "ok" };
      if ("hang" in answer) {
        hanging.add(response);
        return;
      }
      response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      response.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    script: (path, ...answers) => scripts.set(path, [...(scripts.get(path) ?? []), ...answers]),
    received: (path) => requests.filter((request) => path === undefined || request.path === path),
    stop: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
