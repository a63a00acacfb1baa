import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { PermitRef } from '../adapters/locks/semaphores';
import type { ObjectStore } from '../adapters/object-store';
import type { CsvResult, RunContext } from '../interpreter/contracts';
import type { TableConfig } from '../interpreter/config-schema';
import { keyOfUrl, manifestOf, summaryKeyOf, type Manifest, type PreprocessSummary } from '../interpreter/output-plan';
import { tablePlan } from '../adapters/warehouse/table-plan';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';
import { pinnedRun } from './pinned-config';
import { underPermit } from './permits';

export interface ExportCsvInput {
  run: RunContext;
  /** The manifest the clean room's toCsv wrote, in the customer's store. */
  csvKey: string;
  permit: PermitRef;
}

const PROTECTED = /^[0-9a-f]{64}$/;

/**
 * The one crossing out of a clean room: copies a run's CSV parts, its summary and a
 * manifest from the customer's store into DIF's, under the same keys. Each part is read
 * twice: first every pii cell is checked to hold a protected value (64 hex characters),
 * so a config or code mistake that let a raw value through stops here with nothing
 * copied; then it is streamed across. Rejects (which hold raw records) never cross; the
 * exported summary says how many there were and where they stay.
 */
export function exportCsvActivity(deps: ActivityDeps) {
  return async function exportCsv({ run, csvKey, permit }: ExportCsvInput): Promise<CsvResult> {
    const target = deps.difStore;
    if (!target) throw finalFailure('ConfigError', 'exportCsv runs only on a clean-room worker (it has no DIF store configured)');
    return underPermit(deps, permit, async () => {
      const source = deps.objectStore;
      const { config } = await pinnedRun(deps.configStore ?? source, run.configKey);
      const table = config.streams[run.stream].table;
      const manifest = JSON.parse(await source.getText(csvKey)) as Manifest;
      const summary = JSON.parse(await source.getText(summaryKeyOf(csvKey))) as PreprocessSummary;
      const partKeys = manifest.entries.map((e) => keyOfUrl(source.location, e.url));
      for (const key of partKeys) await checkProtected(source, key, table);
      for (const key of partKeys) await target.put(key, await source.getStream(key), 'application/gzip');
      const exported: PreprocessSummary = { ...summary };
      delete exported.rejectsKey;
      await target.put(summaryKeyOf(csvKey), JSON.stringify(exported, null, 2), 'application/json');
      // Last, as in the preprocessor: a manifest in DIF's store means every part is there.
      await target.put(csvKey, JSON.stringify(manifestOf(target.location, partKeys)), 'application/json');
      return { csvKey, records: summary.records, rows: summary.rows, rejected: summary.rejected, parts: partKeys.length };
    });
  };
}

/** Fails when a pii column of the part holds anything but a protected value or an empty cell. */
async function checkProtected(store: ObjectStore, key: string, table: TableConfig): Promise<void> {
  const columns = tablePlan('_', table).csvColumns;
  const pii = table.columns.filter((c) => c.pii).map((c) => columns.indexOf(c.name));
  if (pii.length === 0) return;
  const rows = (await store.getStream(key)).pipe(createGunzip()).pipe(parse({ from_line: 2, relax_column_count: false }));
  let line = 1;
  for await (const row of rows as AsyncIterable<string[]>) {
    line++;
    for (const i of pii) {
      if (row[i] !== '' && !PROTECTED.test(row[i])) {
        // The cell is not quoted here: it may be the raw value this check exists to stop.
        throw finalFailure('DataError', `${key} line ${line}, column "${columns[i]}": not a protected value; nothing of this run leaves the clean room`);
      }
    }
  }
}
