/**
 * The preprocessor: raw objects in, gzip CSV parts plus a manifest out, streaming from end
 * to end (decompress → decode → map rows → CSV parts), so memory depends on the batch
 * size, not on the input. Rows with bad values go to the rejects file; the run fails when
 * a required column is missing from a file, when a file cannot be decoded, or when more
 * rows are rejected than the table allows. Nothing is loaded from a run that failed here:
 * the manifest is written last, only on success.
 */
import type { DecodeConfig, TableConfig } from '../../core/config-schema';
import { ExpressionScope } from '../../runtime/expression/expression';
import { manifestOf, rejectsVerdict, type OutputKeys, type PreprocessSummary } from '../../core/output-plan';
import { RowMapper, type RunFacts } from '../../runtime/row-mapper';
import { parsePath } from '../../core/source-path';
import { decompress, type Compression } from '../decode/decompress';
import { decodeRecords, type RecordsSelector } from '../decode/records';
import type { ObjectStore } from '../object-store';
import { PageOpener, pageName, type PageRange } from '../object-store/bundle-pages';
import { csvColumnsOf } from '../../core/csv-layout';
import { CsvPartWriter } from './part-writer';
import { RejectsWriter } from './rejects-writer';
import { ChildOutputs } from './child-outputs';
import { InputDataError } from '../../core/errors';

export interface PreprocessPage {
  key: string;
  /** The page's bytes within `key`, an answer bundle (adapters/object-store/answer-bundle.ts); absent: the whole object. */
  range?: PageRange;
  decode?: DecodeConfig;
  /** The step's `records` expression. */
  records: string;
  /** Config path of the step, for messages. */
  where: string;
  parent?: unknown;
  /** Items of the steps before the parent's, nearest first (dependent chains). */
  ancestors?: unknown[];
}

export interface PreprocessOptions {
  store: ObjectStore;
  pages: PreprocessPage[];
  table: TableConfig;
  /** Config path of the table, for messages. */
  tableWhere: string;
  facts: RunFacts;
  /** Variables expressions see besides record/item/parent: inputs, window, customer. */
  sandbox: Record<string, unknown>;
  /** The customer's PII key, when the table has pseudonym columns. */
  piiKey?: Buffer;
  /** The customer's PII encryption key, when the table has encrypt columns (clean room only). */
  piiEncryptionKey?: Buffer;
  keys: OutputKeys;
  /** Uncompressed CSV bytes per part before the next part starts. */
  partBytes: number;
  /** The part count is made a multiple of this (Warehouse.partMultiple, core/part-sets.ts); default 1. */
  partMultiple?: number;
  /** Called after every batch: activities heartbeat here. */
  progress?: (records: number) => void;
  /** An incremental stream's cursor column (a timestamp column): its greatest value among the rows written is returned as `maxCursor`. */
  cursorColumn?: string;
}

const DEFAULT_DECODE: DecodeConfig = { format: 'json', compression: 'none' };

export async function preprocess(o: PreprocessOptions): Promise<PreprocessSummary & { maxCursor?: string }> {
  const mapper = new RowMapper(o.table, o.facts, o.sandbox, o.tableWhere, o.piiKey, o.piiEncryptionKey);
  const required = mapper.requiredFields();
  const parts = new CsvPartWriter(o.store, o.keys.part, csvColumnsOf(o.table), o.partBytes, { multiple: o.partMultiple });
  const rejects = new RejectsWriter(o.store, o.keys.rejects);
  const children = o.table.children
    ? new ChildOutputs(o.store, o.table, o.keys.prefix, o.facts, o.sandbox, o.tableWhere, { partBytes: o.partBytes, multiple: o.partMultiple }, o.piiKey, o.piiEncryptionKey)
    : undefined;
  let records = 0;
  let rows = 0;
  let files = 0;
  const cursor = cursorTracker(o.table, o.cursorColumn);
  // Bundled pages: each bundle read once, its pages sliced from it.
  const opener = new PageOpener(o.store);
  try {
    for (const page of o.pages) {
      const decode = page.decode ?? DEFAULT_DECODE;
      for await (const inner of decompress(await opener.stream(page), (decode.compression ?? 'none') as Compression, decode.format === 'xlsx')) {
        files++;
        const file = `${pageName(page)}${inner.name ? ` (${inner.name})` : ''} in ${o.store.location}`;
        let missing: string | undefined;
        let checked = false;
        const check = () => {
          if (missing) throw new InputDataError(missing);
        };
        const path = parsePath(page.records, ['response']);
        const selector: RecordsSelector = path
          ? { kind: 'path', keys: path.keys }
          : { kind: 'expression', expression: page.records, where: page.where, scope: () => new ExpressionScope({ ...o.sandbox, parent: page.parent ?? null, ancestors: page.ancestors ?? [] }) };
        const batches = decodeRecords(inner.stream, decode, selector, {
          onFields(fields) {
            if (checked) return;
            checked = true;
            const have = new Set(fields);
            const absent = required.filter((r) => r.root === 'record' && !have.has(r.field));
            if (absent.length) {
              const list = absent.map((r) => `"${r.column}" (field "${r.field}")`).join(', ');
              missing = `required column ${list} missing from ${file}; it has: ${fields.join(', ') || '(no fields)'}`;
            }
          },
          onReject: (number, reason, raw) => rejects.add(file, number, reason, raw),
        });
        try {
          for await (const batch of batches) {
            check();
            records += batch.length;
            const mapped = mapper.map(batch, page.parent, page.ancestors);
            for (const r of mapped.rejects) rejects.add(file, r.number, r.reason, r.record);
            await parts.write(mapped.rows);
            if (children) for (const r of await children.write(batch, page.parent, page.ancestors)) rejects.add(file, r.number, r.reason, r.record);
            cursor.see(mapped.rows);
            await rejects.flush();
            rows += mapped.rows.length;
            o.progress?.(records);
          }
          check();
        } catch (e) {
          if (e instanceof InputDataError) throw e;
          if ((e as Error).name === 'DecodeError' || (e as Error).name === 'ExpressionError') {
            throw new InputDataError(`${file} ${(e as Error).message}`);
          }
          throw e;
        }
      }
    }
    const rejectsKey = await rejects.close();
    const verdict = rejectsVerdict(o.table.rejects, rejects.count, rows + (children?.rows ?? 0) + rejects.count);
    if (verdict) throw new InputDataError(`${verdict}; the rejected rows and their reasons are in ${rejectsKey} in ${o.store.location}`);
    const written = await parts.close();
    // The children's manifests before the parent's, which stays the last object written.
    const childSummary = children ? { children: await children.close() } : {};
    const summary: PreprocessSummary = { records, rows, rejected: rejects.count, files, parts: written, widths: parts.widths(), ...(rejectsKey ? { rejectsKey } : {}), ...childSummary };
    await o.store.put(o.keys.summary, JSON.stringify(summary, null, 2), 'application/json');
    // Last: a manifest exists only for a complete, accepted set of parts.
    await o.store.put(o.keys.manifest, JSON.stringify(manifestOf(o.store.location, written.map((p) => p.key))), 'application/json');
    return cursor.max === undefined ? summary : { ...summary, maxCursor: cursor.max };
  } catch (e) {
    parts.abort(e as Error);
    children?.abort(e as Error);
    throw e;
  } finally {
    mapper.dispose();
    children?.dispose();
  }
}

/**
 * The greatest cell of the cursor column among rows written. Timestamp cells are canonical
 * ISO text (core/columns.ts toCell), so the greatest text is the latest instant.
 */
function cursorTracker(table: TableConfig, column: string | undefined): { max?: string; see(rows: (string | null)[][]): void } {
  const index = column === undefined ? -1 : table.columns.findIndex((c) => c.name === column);
  const tracker = {
    max: undefined as string | undefined,
    see(rows: (string | null)[][]) {
      if (index < 0) return;
      for (const row of rows) {
        const cell = row[index];
        if (cell !== null && cell !== '' && (tracker.max === undefined || cell > tracker.max)) tracker.max = cell;
      }
    },
  };
  return tracker;
}
