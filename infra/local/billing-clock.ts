/**
 * The local stand-in for the EventBridge Scheduler schedule: runs the billing jobs on every
 * multiple of the interval of the wall clock (:00, :15, :30, :45), with that instant as `now`.
 */
export function startBillingClock(everyMinutes: number, run: (now: string) => Promise<void>): () => void {
  const period = everyMinutes * 60_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    const delay = period - (Date.now() % period);
    timer = setTimeout(async () => {
      // The scheduled instant, as the scheduler passes it, not whenever the timer fired.
      const now = new Date(Math.round(Date.now() / period) * period).toISOString();
      await run(now);
      if (!stopped) schedule();
    }, delay);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
