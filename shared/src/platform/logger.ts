import { Logger } from "@aws-lambda-powertools/logger";

/**
 * Structured JSON logs (Powertools). One logger per function, named by its wiring id; the level
 * comes from POWERTOOLS_LOG_LEVEL (the local runtime and tests lower it).
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
