import { Context } from '@temporalio/activity';
import type { PermitRef } from '../adapters/locks/semaphores';
import type { CsvResult, RawPage, RunContext } from '../interpreter/contracts';
import { runPrefix } from '../interpreter/run-plan';
import { outputKeys } from '../interpreter/output-plan';
import { InputDataError, preprocess } from '../adapters/csv-output/preprocess';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';
import { pinnedRun } from './pinned-config';
import { underPermit } from './permits';

export interface ToCsvInput {
  run: RunContext;
  /** Raw pages whose records make the stream's rows, in order. */
  pages: RawPage[];
  permit: PermitRef;
}

const DEFAULT_PART_BYTES = 256 * 1024 * 1024;

/**
 * Preprocesses the run's raw pages, each by its step's `decode` and `records`, into gzip
 * CSV parts, a manifest, and a rejects file when rows were rejected (adapters/csv-output).
 * Keys are fixed by the run, so a retry rewrites the same objects. Bad input is final: a
 * retry would read the same bytes.
 */
export function toCsvActivity(deps: ActivityDeps) {
  return async function toCsv({ run, pages, permit }: ToCsvInput): Promise<CsvResult> {
    return underPermit(deps, permit, async () => {
      const { config, inputs } = await pinnedRun(deps.objectStore, run.configKey);
      const stream = config.streams[run.stream];
      const keys = outputKeys(runPrefix('csv', run, run.runId));
      try {
        const summary = await preprocess({
          store: deps.objectStore,
          pages: pages.map(({ objectKey, stepIndex, parent }) => ({
            key: objectKey,
            decode: stream.steps[stepIndex].decode,
            records: stream.steps[stepIndex].records,
            where: `$.streams.${run.stream}.steps[${stepIndex}].records`,
            parent,
          })),
          table: stream.table,
          tableWhere: `$.streams.${run.stream}.table.columns`,
          facts: {
            customer: run.customer,
            vendor: run.vendor,
            stream: run.stream,
            windowFrom: run.window.from,
            windowTo: run.window.to,
            runId: run.runId,
            extractedAt: run.extractedAt,
          },
          sandbox: { inputs, window: run.window, customer: run.customer },
          keys,
          partBytes: deps.csvPartBytes ?? DEFAULT_PART_BYTES,
          progress: (records) => heartbeat(records),
        });
        return { csvKey: keys.manifest, records: summary.records, rows: summary.rows, rejected: summary.rejected, parts: summary.parts.length };
      } catch (e) {
        if (e instanceof InputDataError) throw finalFailure('DataError', e.message);
        throw e;
      }
    });
  };
}

function heartbeat(records: number): void {
  try {
    Context.current().heartbeat({ records });
  } catch {
    // Outside an activity (benchmarks, unit tests) there is nothing to heartbeat.
  }
}
