/**
 * Runs the contract tables' cases ahead of jest's tests, several vendors at once on the
 * suite's one worker: a case spends most of its time waiting (workflow tasks, timers, retry
 * delays), not computing, so vendors overlap well even on two cores.
 *
 * What decides who may overlap:
 * - A vendor's cases run one after another: they share its mock servers' request logs (a
 *   case's `requests` check reads what arrived during its run), its Redis rate limits and
 *   semaphores (keyed by vendor), and its warehouse tables (every table belongs to one vendor).
 * - A vendor whose table fixes the signing clock runs alone: the clock is process-wide, and
 *   another vendor's signer would read it.
 * - A vendor whose table bounds a request gap from above (`lessThanMs`) runs alone: that
 *   proves the absence of a wait, and other vendors' load on the worker would stretch it.
 *
 * Vendors start in the order jest runs their tests, so the test awaiting a case never waits
 * behind a case that comes after it. Each case's outcome is settled into a promise its own
 * test awaits: a failure is still that test's, named by the vendor and the case.
 *
 * Hand-written rather than p-limit (not a dependency): besides a bound it needs the
 * "alone" rule, which is a barrier a plain limiter does not have.
 */
import type { ContractTable } from './contract-table';

export type CaseOutcome = { ok: true } | { ok: false; error: unknown };

export interface VendorRun {
  /** Runs the case at `index` of the vendor's table. */
  runCase(index: number): Promise<void>;
  shutdown(): Promise<void>;
}

export interface ContractSchedule {
  /** The outcome of a vendor's case, settled once it ran (or could not). Never rejects. */
  outcome(vendor: string, index: number): Promise<CaseOutcome>;
  /** Starts the vendors, at most `width` at once; resolves when every vendor is shut down. */
  run(start: (vendor: string) => Promise<VendorRun>, width: number): Promise<void>;
  /** Settles every case not yet settled with `error` (the suite could not start). */
  failAll(error: unknown): void;
}

/** Why a table must run with no other vendor beside it, or undefined. */
export function runsAlone(table: ContractTable): string | undefined {
  if (table.signingClock) return 'it fixes the process-wide signing clock';
  const bounded = table.cases.some((c) => c.runs.some((r) => (r.expect.requests ?? []).some((q) => (q.gaps ?? []).some((g) => g.lessThanMs !== undefined))));
  return bounded ? 'it bounds a request gap from above' : undefined;
}

export function contractSchedule(tables: Map<string, ContractTable>): ContractSchedule {
  const settle = new Map<string, ((o: CaseOutcome) => void)[]>();
  const outcomes = new Map<string, Promise<CaseOutcome>[]>();
  for (const [vendor, table] of tables) {
    const resolvers: ((o: CaseOutcome) => void)[] = [];
    outcomes.set(vendor, table.cases.map(() => new Promise<CaseOutcome>((resolve) => resolvers.push(resolve))));
    settle.set(vendor, resolvers);
  }

  async function runVendor(vendor: string, start: (vendor: string) => Promise<VendorRun>): Promise<void> {
    const resolvers = settle.get(vendor)!;
    let run: VendorRun;
    try {
      run = await start(vendor);
    } catch (error) {
      resolvers.forEach((resolve) => resolve({ ok: false, error }));
      return;
    }
    try {
      for (const [index, resolve] of resolvers.entries()) {
        resolve(await run.runCase(index).then((): CaseOutcome => ({ ok: true }), (error): CaseOutcome => ({ ok: false, error })));
      }
    } finally {
      // A shutdown failure is the suite's (afterAll), not a case's.
      await run.shutdown();
    }
  }

  return {
    outcome: (vendor, index) => outcomes.get(vendor)![index],
    failAll(error) {
      for (const resolvers of settle.values()) resolvers.forEach((resolve) => resolve({ ok: false, error }));
    },
    async run(start, width) {
      const running = new Set<Promise<void>>();
      const errors: unknown[] = [];
      const launch = (vendor: string) => {
        const p: Promise<void> = runVendor(vendor, start)
          .catch((e) => void errors.push(e))
          .finally(() => running.delete(p));
        running.add(p);
      };
      for (const [vendor, table] of tables) {
        if (runsAlone(table)) {
          await Promise.all(running);
          launch(vendor);
          await Promise.all(running);
        } else {
          while (running.size >= Math.max(1, width)) await Promise.race(running);
          launch(vendor);
        }
      }
      await Promise.all(running);
      if (errors.length) throw new AggregateError(errors, `contract vendors failed to shut down: ${errors.map((e) => (e as Error).message).join('; ')}`);
    },
  };
}
