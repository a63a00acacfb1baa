/**
 * The child tables' side of the preprocessor (core/child-tables.ts): one row mapper and one
 * CSV part writer per child table, fed the same record batches as the parent, so every
 * table's CSV streams out as the records arrive (nothing of the window is held). Each child
 * gets its own manifest under the parent's prefix, written before the parent's: the
 * parent's manifest, written last, still says "this run's output is complete".
 */
import type { TableConfig } from '../../core/config-schema';
import { childTables } from '../../core/child-tables';
import { childOutputKeys, manifestOf, type PreprocessSummary } from '../../core/output-plan';
import { RowMapper, type InputRecord, type RejectedRow, type RunFacts } from '../../runtime/row-mapper';
import type { ObjectStore } from '../object-store';
import { csvColumnsOf } from '../../core/csv-layout';
import { CsvPartWriter, type PartLayout } from './part-writer';

interface ChildOutput {
  table: TableConfig;
  mapper: RowMapper;
  parts: CsvPartWriter;
  manifest: string;
  rows: number;
}

export class ChildOutputs {
  private readonly outputs: ChildOutput[];

  constructor(
    private readonly store: ObjectStore,
    parent: TableConfig,
    csvPrefix: string,
    facts: RunFacts,
    sandbox: Record<string, unknown>,
    tableWhere: string,
    /** The parent's part size and layout: a child table is loaded by the same warehouse. */
    parts: PartLayout & { partBytes: number },
    piiKey?: Buffer,
    piiEncryptionKey?: Buffer,
  ) {
    this.outputs = childTables(parent).map((table) => {
      const keys = childOutputKeys(csvPrefix, table.name);
      return {
        table,
        mapper: new RowMapper(table, facts, sandbox, `${tableWhere} (child table ${table.name})`, piiKey, piiEncryptionKey),
        parts: new CsvPartWriter(store, keys.part, csvColumnsOf(table), parts.partBytes, parts),
        manifest: keys.manifest,
        rows: 0,
      };
    });
  }

  /** Maps and writes one batch into every child table; the rejected rows come back, their reasons naming the table. */
  async write(batch: InputRecord[], parent: unknown, ancestors: unknown[] | undefined): Promise<RejectedRow[]> {
    const rejects: RejectedRow[] = [];
    for (const out of this.outputs) {
      const mapped = out.mapper.map(batch, parent, ancestors);
      for (const r of mapped.rejects) rejects.push({ ...r, reason: `child table ${out.table.name}: ${r.reason}` });
      await out.parts.write(mapped.rows);
      out.rows += mapped.rows.length;
    }
    return rejects;
  }

  get rows(): number {
    return this.outputs.reduce((n, o) => n + o.rows, 0);
  }

  /** Closes every child's parts and writes its manifest; what each wrote, for the summary. */
  async close(): Promise<NonNullable<PreprocessSummary['children']>> {
    const summary: NonNullable<PreprocessSummary['children']> = {};
    for (const out of this.outputs) {
      const written = await out.parts.close();
      await this.store.put(out.manifest, JSON.stringify(manifestOf(this.store.location, written.map((p) => p.key))), 'application/json');
      summary[out.table.name] = { rows: out.rows, parts: written };
    }
    return summary;
  }

  abort(e: Error): void {
    for (const out of this.outputs) out.parts.abort(e);
  }

  dispose(): void {
    for (const out of this.outputs) out.mapper.dispose();
  }
}
