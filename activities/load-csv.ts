import type { LoadSummary, RunContext, PermitRef } from '../core/contracts';
import { childManifestKeyOf, keyOfUrl, summaryKeyOf, type Manifest, type PreprocessSummary } from '../core/output-plan';
import { childTables } from '../core/child-tables';
import { deletesTargetOf } from '../core/delete-keys';
import { totalsKeyOf, totalsStepsOf, type Totals } from '../core/vendor-totals';
import { runPrefix } from '../core/run-plan';
import type { VendorConfig } from '../core/config-schema';
import type { CsvPart } from '../adapters/warehouse/warehouse';
import type { ActivityDeps } from './deps';
import { pinnedRunOf } from './pinned-config';
import { underPermit } from './permits';
import { underTableLock } from './table-lock';
import { runTable } from './discovered-fields';
import { timedLoad } from '../runtime/metrics/hooks';

export interface LoadCsvInput {
  run: RunContext;
  /** The manifest toCsv wrote (or, from runs started before manifests, one plain CSV). */
  csvKey: string;
  /** Runs started before `semaphore.hold` pass their vendor permit; newer runs none (the load holds no vendor permit). */
  permit?: PermitRef;
  /** Who holds the table lock: the run (workflow id#run id). */
  holder?: string;
}

/**
 * Loads the parts listed in the run's manifest into the stream's table (and its child
 * tables' parts into theirs) with a deduplicating merge and an audit row per table, in one
 * transaction. The table lock is the parent's: a child table belongs to one parent (the
 * validator refuses a second writer in the config), so its loads queue on the parent's. Re-running it (a retry, or a
 * re-run of the window) gives the same table.
 */
export function loadCsvActivity(deps: ActivityDeps) {
  return async function loadCsv({ run, csvKey, permit, holder }: LoadCsvInput): Promise<LoadSummary> {
    return underPermit(deps, permit, async () => {
      const { config } = await pinnedRunOf(deps, run.configKey);
      const table = await runTable(deps, run, config.streams[run.stream]);
      const store = deps.objectStore;
      let parts: CsvPart[];
      let rejected = 0;
      let widths: Record<string, number> | undefined;
      const partsOf = async (manifestKey: string): Promise<CsvPart[]> => {
        const manifest = JSON.parse(await store.getText(manifestKey)) as Manifest;
        const manifestUrl = `${store.location}/${manifestKey}`;
        return manifest.entries.map(({ url }) => ({ open: () => store.getStream(keyOfUrl(store.location, url)), gzip: url.endsWith('.gz'), manifestUrl }));
      };
      // A child table's manifest sits next to the parent's (core/output-plan.ts childManifestKeyOf).
      const childParts: Record<string, CsvPart[]> = {};
      if (csvKey.endsWith('.json')) {
        parts = await partsOf(csvKey);
        for (const child of childTables(table)) childParts[child.name] = await partsOf(childManifestKeyOf(csvKey, child.name));
        const summaryKey = summaryKeyOf(csvKey);
        if (await store.exists(summaryKey)) {
          const summary = JSON.parse(await store.getText(summaryKey)) as PreprocessSummary;
          rejected = summary.rejected;
          widths = summary.widths;
        }
      } else {
        parts = [{ open: () => store.getStream(csvKey), gzip: false }];
      }
      const audit = { runId: run.runId, vendor: run.vendor, customer: run.customer, stream: run.stream, window: run.window, rowsRejected: rejected, ...(run.partition !== undefined ? { partition: run.partition } : {}) };
      const totals = await vendorTotals(deps, run, config);
      // A deletes feed writes into its target's table (core/delete-keys.ts), under that table's lock.
      const target = deletesTargetOf(config, run.stream);
      // One loader per table at a time, and a stale one (lease lost while paused) refused by the fence.
      const result = await underTableLock(deps, deps.warehouse.schema, (target ?? table).name, holder ?? permit?.holder ?? run.runId, (fence) =>
        timedLoad(run.vendor, run.stream, () =>
          target
            ? deps.warehouse.deleteKeys(table, target, parts, audit, { inTransaction: fence })
            : deps.warehouse.load(table, parts, audit, { inTransaction: fence, ...(widths ? { widths } : {}), ...(totals ? { totals } : {}) }, childParts),
        ),
      );
      return { ...result, rowsRejected: rejected, files: parts.length };
    });
  };
}

/** The vendor's totals the run's steps kept (core/vendor-totals.ts), when its table checks a sum. */
async function vendorTotals(deps: ActivityDeps, run: RunContext, config: VendorConfig): Promise<Totals | undefined> {
  if (!config.streams[run.stream].table.load?.checks?.some((c) => c.kind === 'sum')) return undefined;
  const totals: Totals = {};
  for (const { step } of totalsStepsOf(config, run.stream)) {
    const key = totalsKeyOf(runPrefix('raw', run, run.runId), step);
    if (await deps.objectStore.exists(key)) Object.assign(totals, JSON.parse(await deps.objectStore.getText(key)));
  }
  return totals;
}
