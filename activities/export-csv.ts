import { createGunzip } from 'node:zlib';
import { PassThrough, Transform, pipeline, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { CsvResult, RunContext, PermitRef } from '../core/contracts';
import type { ColumnPiiConfig, TableConfig } from '../core/config-schema';
import { isProtectedCell, protectionOf } from '../core/pii-columns';
import { keyOfUrl, manifestOf, summaryKeyOf, type Manifest, type PreprocessSummary } from '../core/output-plan';
import { csvColumnsOf } from '../core/csv-layout';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';
import { pinnedRunOf } from './pinned-config';
import { underPermit } from './permits';

export interface ExportCsvInput {
  run: RunContext;
  /** The manifest the clean room's toCsv wrote, in the customer's store. */
  csvKey: string;
  /** Runs started before `semaphore.hold` pass their vendor permit; newer runs none (CSV holds no vendor permit). */
  permit?: PermitRef;
}

interface PiiColumn {
  index: number;
  name: string;
  pii: ColumnPiiConfig;
}

/**
 * The one crossing out of a clean room: copies a run's CSV parts, its summary and a
 * manifest from the customer's store into DIF's, under the same keys. Every pii cell is
 * checked to hold what its column's protection produces (64 hex characters for pseudonym
 * and sha256; `enc:v1:` and base64url for encrypt) as its part streams across, and a
 * part only lands once its whole check passed: a config or code mistake that let a raw
 * value through fails the run here, that part never stored and the manifest never
 * written, so nothing of the run loads. Rejects (which hold raw records) never cross; the
 * exported summary says how many there were and where they stay.
 */
export function exportCsvActivity(deps: ActivityDeps) {
  return async function exportCsv({ run, csvKey, permit }: ExportCsvInput): Promise<CsvResult> {
    const target = deps.difStore;
    if (!target) throw finalFailure('ConfigError', 'exportCsv runs only on a clean-room worker (it has no DIF store configured)');
    return underPermit(deps, permit, async () => {
      const source = deps.objectStore;
      const { config } = await pinnedRunOf(deps, run.configKey);
      const piiColumns = piiColumnsOf(config.streams[run.stream].table);
      const manifest = JSON.parse(await source.getText(csvKey)) as Manifest;
      const summary = JSON.parse(await source.getText(summaryKeyOf(csvKey))) as PreprocessSummary;
      const partKeys = manifest.entries.map((e) => keyOfUrl(source.location, e.url));
      for (const key of partKeys) {
        const body = await source.getStream(key);
        await target.put(key, piiColumns.length ? checkedCopy(body, key, piiColumns) : body, 'application/gzip');
      }
      const exported: PreprocessSummary = { ...summary };
      delete exported.rejectsKey;
      await target.put(summaryKeyOf(csvKey), JSON.stringify(exported, null, 2), 'application/json');
      // Last, as in the preprocessor: a manifest in DIF's store means every part is there.
      await target.put(csvKey, JSON.stringify(manifestOf(target.location, partKeys)), 'application/json');
      return { csvKey, records: summary.records, rows: summary.rows, rejected: summary.rejected, parts: partKeys.length };
    });
  };
}

/** The CSV position, name and declaration of every pii column of the table. */
function piiColumnsOf(table: TableConfig): PiiColumn[] {
  const columns = csvColumnsOf(table);
  return table.columns.filter((c) => c.pii).map((c) => ({ index: columns.indexOf(c.name), name: c.name, pii: c.pii! }));
}

/**
 * The part's bytes as they stream to DIF's store, with a copy decompressed and parsed on
 * the side. The stream ends only after the last cell was checked, and fails as soon as
 * one is not protected, so the store (which writes whole objects or nothing) never keeps
 * a part that did not pass.
 */
function checkedCopy(body: Readable, key: string, pii: PiiColumn[]): Readable {
  const inspected = new PassThrough();
  const rows = pipeline(inspected, createGunzip(), parse({ from_line: 2 }), () => undefined);
  const checked = checkRows(rows, key, pii);
  const copy = new Transform({
    transform(chunk, _encoding, done) {
      if (inspected.write(chunk)) done(null, chunk);
      else inspected.once('drain', () => done(null, chunk));
    },
    flush(done) {
      inspected.end();
      checked.then(() => done(), done);
    },
  });
  checked.catch((e: Error) => {
    copy.destroy(e);
    inspected.destroy();
  });
  return pipeline(body, copy, () => undefined);
}

async function checkRows(rows: AsyncIterable<string[]>, key: string, pii: PiiColumn[]): Promise<void> {
  let line = 1;
  for await (const row of rows) {
    line++;
    for (const column of pii) {
      const cell = row[column.index];
      if (cell !== '' && !isProtectedCell(cell, column.pii)) {
        // The cell is not quoted here: it may be the raw value this check exists to stop.
        const expected = protectionOf(column.pii) === 'encrypt' ? 'enc:v1: and base64url' : '64 hex characters';
        throw finalFailure(
          'DataError',
          `${key} line ${line}, column "${column.name}": not a protected value (${protectionOf(column.pii)}: ${expected}); nothing of this run leaves the clean room`,
        );
      }
    }
  }
}
