import type { CsvResult, RunContext, PermitRef } from '../core/contracts';
import { runPrefix } from '../core/run-plan';
import { outputKeys } from '../core/output-plan';
import { preprocess, type PreprocessPage } from '../adapters/csv-output/preprocess';
import { pagesOf } from './page-sets';
import { ReadAheadStore } from '../adapters/object-store/read-ahead';
import { readOrder } from '../adapters/object-store/bundle-pages';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';
import { pinnedRunOf, runVariables } from './pinned-config';
import { underPermit } from './permits';
import { runTable } from './discovered-fields';
import { encryptOutsideCleanRoom, encryptedColumns, needsPiiKey } from '../core/pii-columns';
import { revealPiiEncryptionKey, revealPiiKey } from '../adapters/mysql/pii-keys';
import { childTables } from '../core/child-tables';
import { csvWritten } from '../runtime/metrics/hooks';

export interface ToCsvInput {
  run: RunContext;
  /** Page-set lists (object keys) whose pages' records make the stream's rows, in order. */
  pageLists: string[];
  /** Runs started before `semaphore.hold` pass their vendor permit; newer runs none (CSV holds no vendor permit). */
  permit?: PermitRef;
}

const DEFAULT_PART_BYTES = 256 * 1024 * 1024;

/**
 * Preprocesses the run's raw pages, each by its step's `decode` and `records`, into gzip
 * CSV parts, a manifest, and a rejects file when rows were rejected (adapters/csv-output).
 * Keys are fixed by the run, so a retry rewrites the same objects. Bad input is final: a
 * retry would read the same bytes.
 */
export function toCsvActivity(deps: ActivityDeps) {
  return async function toCsv({ run, pageLists, permit }: ToCsvInput): Promise<CsvResult> {
    return underPermit(deps, permit, async (_signal, checkpoint) => {
      const pinned = await pinnedRunOf(deps, run.configKey);
      const { config } = pinned;
      const stream = config.streams[run.stream];
      const table = await runTable(deps, run, stream);
      const tableWhere = `$.streams.${run.stream}.table.columns`;
      // Only a clean-room worker has DIF's store as an export target (deps.difStore): anywhere
      // else this is DIF's side, which must never unwrap (or look for) an encryption key.
      // The child tables' columns (core/child-tables.ts) are written here too: their PII counts.
      const columns = [...stream.table.columns, ...childTables(stream.table).flatMap((child) => child.columns)];
      const refused = deps.difStore ? undefined : encryptOutsideCleanRoom(columns, run.customer, tableWhere);
      if (refused) throw finalFailure('InputError', refused);
      const keys = outputKeys(runPrefix('csv', run, run.runId));
      const pages: PreprocessPage[] = [];
      for await (const { objectKey, range, stepIndex, parent, ancestors, compression } of pagesOf(deps.objectStore, pageLists)) {
        const step = stream.steps[stepIndex];
        // A kind may have neither (records written in the config need no decoding).
        const decode = 'decode' in step ? step.decode : undefined;
        pages.push({
          key: objectKey,
          ...(range ? { range } : {}),
          // The vendor's answer, where it named the file's compression, wins over the config's.
          decode: compression ? { format: 'json', ...decode, compression } : decode,
          // A step fetching its fields in chunks stores its pages as the merged records (steps/paginated/chunked-page.ts).
          records: step.kind === 'paginated' && step.chunk ? 'response' : (('records' in step ? step.records : undefined) ?? 'response'),
          where: `$.streams.${run.stream}.steps[${stepIndex}].records`,
          parent,
          ancestors,
        });
      }
      // Decrypted here, just before use, and only when a pseudonym or encrypt column needs it.
      const piiKey = needsPiiKey(columns) ? await revealPiiKey(deps.credentials, run.customer) : undefined;
      const piiEncryptionKey = encryptedColumns(columns).length ? await revealPiiEncryptionKey(deps.credentials, run.customer) : undefined;
      // The pages are read in this order: a fan-out's many small answers are read a few at a
      // time ahead of the CSV side instead of one round trip after another; a bundle of answers
      // is read once for all its pages (adapters/object-store/bundle-pages.ts readOrder).
      const store = new ReadAheadStore(deps.objectStore, readOrder(pages));
      const summary = await preprocess({
        piiKey,
        piiEncryptionKey,
        store,
        pages,
        table,
        tableWhere,
        facts: {
          customer: run.customer,
          vendor: run.vendor,
          stream: run.stream,
          windowFrom: run.window.from,
          windowTo: run.window.to,
          runId: run.runId,
          extractedAt: run.extractedAt,
          partition: run.partition,
        },
        sandbox: runVariables(run, pinned),
        keys,
        partBytes: deps.csvPartBytes ?? DEFAULT_PART_BYTES,
        partMultiple: await partMultipleOf(deps),
        // Through underPermit's checkpoint: it reaches Temporal at most once per keep-alive beat. A
        // heartbeat per batch was one per page, 50,000 in a fan-out's toCsv, and cost it 5-10%
        // of the worker's thread (the SDK's payload encoding and the native bridge, CPU profile).
        progress: (records) => checkpoint({ records }),
        cursorColumn: stream.incremental?.cursor,
      }).finally(() => store.close());
      csvWritten(run.vendor, run.stream, summary.records, summary.rejected);
      const cursor = summary.maxCursor === undefined ? {} : { maxCursor: summary.maxCursor };
      return { csvKey: keys.manifest, records: summary.records, rows: summary.rows, rejected: summary.rejected, parts: summary.parts.length, ...cursor };
    });
  };
}

/**
 * How many parts the warehouse wants the output to be a multiple of. A clean-room worker
 * (deps.difStore) never talks to a warehouse: its parts close one at a time by size.
 */
async function partMultipleOf(deps: ActivityDeps): Promise<number> {
  if (deps.csvPartMultiple !== undefined) return deps.csvPartMultiple;
  return deps.difStore ? 1 : deps.warehouse.partMultiple();
}
