import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { PermitRef } from '../adapters/locks/semaphores';
import type { CsvResult, RunContext } from '../interpreter/contracts';
import { pagesOf } from './page-sets';
import { gunzipSync } from 'node:zlib';
import { runPrefix, windowVariables } from '../interpreter/run-plan';
import { ExpressionError, ExpressionScope } from '../interpreter/expression';
import { columnSource, toCell } from '../interpreter/columns';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';
import { pinnedRun } from './pinned-config';
import { underPermit } from './permits';
import { tablePlan } from '../adapters/warehouse/table-plan';

export interface ToCsvInput {
  run: RunContext;
  /** Page-set lists (object keys) whose pages' records make the stream's rows, in order. */
  pageLists: string[];
  permit: PermitRef;
}

/**
 * Decodes the raw pages, extracts records with the step's `records` expression, maps them
 * to the table's columns, checks each value against its column type, and writes one
 * RFC 4180 CSV with a header (config columns, then DIF's metadata columns).
 */
export function toCsvActivity(deps: ActivityDeps) {
  return async function toCsv({ run, pageLists, permit }: ToCsvInput): Promise<CsvResult> {
    return underPermit(deps, permit, async () => {
      const { config, inputs } = await pinnedRun(deps.objectStore, run.configKey);
      const stream = config.streams[run.stream];
      const columns = stream.table.columns;
      const header = tablePlan('_', stream.table).csvColumns;
      const csvKey = `${runPrefix('csv', run, run.runId)}/part-000001.csv`;
      const metadata = [run.customer, run.runId, run.extractedAt];
      let records = 0;

      async function* rows(): AsyncGenerator<(string | null)[]> {
        const scope = new ExpressionScope({ inputs, window: windowVariables(run.window, config.window?.dateFormat), customer: run.customer });
        for await (const { objectKey: pageKey, stepIndex, parent, ancestors } of pagesOf(deps.objectStore, pageLists)) {
          const step = stream.steps[stepIndex];
          const where = `$.streams.${run.stream}.steps[${stepIndex}].records`;
          scope.setJson('parent', JSON.stringify(parent ?? null));
          scope.setJson('ancestors', JSON.stringify(ancestors ?? []));
          try {
            scope.setJson('response', await readPageText(deps, pageKey));
          } catch (e) {
            throw finalFailure('DataError', `response ${pageKey} in ${deps.objectStore.location} is not valid JSON: ${(e as Error).message}`);
          }
          let mapped: unknown[][];
          try {
            scope.assign('__records', step.records ?? 'response', where);
            mapped = scope.mapRows('__records', columns.map(columnSource), `$.streams.${run.stream}.table.columns`);
          } catch (e) {
            if (e instanceof ExpressionError) throw finalFailure('DataError', `${pageKey}: ${e.message}`);
            throw e;
          }
          for (let i = 0; i < mapped.length; i++) {
            try {
              yield [...columns.map((column, c) => toCell(mapped[i][c], column)), ...metadata];
            } catch (e) {
              throw finalFailure('DataError', `${pageKey}, record ${i + 1}: ${(e as Error).message}`);
            }
            records++;
          }
        }
      }

      // pipeline(), not pipe(): a bad record must fail the upload, not leave it waiting.
      const csv = pipeline(Readable.from(rows()), stringify({ header: true, columns: header }), () => undefined);
      await deps.objectStore.put(csvKey, csv, 'text/csv');
      return { csvKey, records };
    });
  };
}

/**
 * A stored page as text, gunzipped when it is gzip (async report downloads often are).
 * Stopgap until the streaming decoders (issue 5) replace whole-page reads.
 */
async function readPageText(deps: ActivityDeps, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await deps.objectStore.getStream(key)) chunks.push(Buffer.from(chunk));
  const bytes = Buffer.concat(chunks);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}
