import { documentClient } from "../../shared/src/platform/aws-clients.js";

/**
 * From now on, the process's DynamoDB client hands moto one request at a time, while any number of
 * callers' requests still interleave: each request is then atomic, as every DynamoDB request is
 * (moto serves requests on threads without locking its tables). Setup before a burst needs none.
 */
export function oneRequestAtATime(name: string): void {
  let tail: Promise<unknown> = Promise.resolve();
  documentClient().middlewareStack.add(
    (next) => (args) => {
      const turn = tail.then(() => next(args));
      tail = turn.catch(() => undefined);
      return turn;
    },
    { step: "finalizeRequest", priority: "low", name },
  );
}
