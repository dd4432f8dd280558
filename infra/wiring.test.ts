import { describe, expect, it } from "vitest";
import { functions, resources } from "./wiring.js";

/** Which service owns each table: the only one whose functions may write it. */
const OWNER: Record<string, string> = {
  billing: "catalog",
  invoicing: "invoicing",
  events: "aggregate",
  usage: "aggregate",
  webhooks: "webhooks",
};

const serviceOf = (entry: string) => entry.split("/")[1] as string;

describe("who owns what, as the wiring grants it", () => {
  it("lets only a table's own service write it", () => {
    expect(Object.keys(OWNER).sort()).toEqual(resources.tables.map((table) => table.id).sort());
    const writers = functions.flatMap((fn) =>
      fn.tables
        .filter(([, access]) => access === "readWrite")
        .map(([table]) => [table.id, serviceOf(fn.entry)]),
    );
    for (const [table, service] of writers)
      expect(service, `${service} writes ${table}`).toBe(OWNER[table as string]);
  });

  it("takes every service's domain events to the webhook dispatcher by one rule on their prefix", () => {
    expect(resources.busRules.map((rule) => [rule.sourcePrefix, rule.queue.id])).toEqual([
      ["serverless-billing.", "webhook-events"],
    ]);
    const consumers = functions.filter((fn) => fn.consumes?.queue.id === "webhook-events").map((fn) => fn.id);
    expect(consumers).toEqual(["webhook-dispatcher"]);
  });

  it("has invoicing told by messages: the catalog and the usage side send to its inbox", () => {
    const senders = functions
      .filter((fn) => fn.sendsTo?.some((queue) => queue.id === "billing-jobs"))
      .map((fn) => fn.id)
      .sort();
    expect(senders).toEqual([
      "aggregate-consumer",
      "catalog-api",
      "catalog-clock",
      "invoicing-clock",
      "invoicing-clock-scanner",
      "invoicing-worker",
    ]);
  });

  it("has the catalog create Stripe customers off the request path, from its own queue", () => {
    const senders = functions
      .filter((fn) => fn.sendsTo?.some((queue) => queue.id === "provider-customers"))
      .map((fn) => fn.id)
      .sort();
    expect(senders).toEqual(["catalog-api", "catalog-clock"]);
    const consumers = functions.filter((fn) => fn.consumes?.queue.id === "provider-customers");
    expect(consumers.map((fn) => [fn.id, serviceOf(fn.entry)])).toEqual([
      ["catalog-provider-customers", "catalog"],
    ]);
    expect(consumers[0]?.secrets?.map((secret) => secret.id)).toEqual(["stripe"]);
    expect(consumers[0]?.publishesDomainEvents).toBe(true);
  });
});
