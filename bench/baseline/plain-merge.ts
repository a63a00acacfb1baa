/**
 * The e2e bench's floor: the plain script (plain-ingest.ts: one fetch, JSON.parse,
 * csv-stringify to a local file) loading the way any load that must stay correct on a
 * re-run has to: DIF's own merge statements (table-plan.ts loadPlan, Postgres dialect: lock,
 * temporary staging table, COPY, the key delete, the insert of the latest copy per key,
 * audit rows, one transaction) into a table with DIF's columns and key index, or, as DIF
 * does for a customer's first load into a table (adapters/warehouse/first-load.ts), its
 * probe and a COPY straight into the target. No Temporal, no object store, no gzip: what
 * DIF's run costs above this is DIF's own.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TableConfig } from '../../core/config-schema';
import { csvColumnsOf } from '../../core/csv-layout';
import { auditValues, createAuditTableSql, createTableSql, loadPlan } from '../../adapters/warehouse/table-plan';
import { firstLoadPlan } from '../../adapters/warehouse/first-load';
import { BASELINE_COLUMNS, plainCsv, type PlainIngestRequest } from './plain-ingest';

/** Returns the rows the insert wrote. `table` is the stream's table config (its name the floor's own table). */
export async function plainMerge(pool: pg.Pool, schema: string, table: TableConfig, r: Omit<PlainIngestRequest, 'table'>): Promise<number> {
  if (csvColumnsOf(table).join() !== BASELINE_COLUMNS.join()) throw new Error(`e2e floor: table ${table.name}'s CSV columns differ from the plain script's`);
  await plainCsv({ ...r, table: '' });
  const audit = { runId: randomUUID(), vendor: 'demo-ads', customer: r.customer, stream: 'campaign_daily', window: r.window, rowsRejected: 0 };
  const client = await pool.connect();
  try {
    await client.query(createTableSql(schema, table));
    await client.query(createAuditTableSql(schema));
    let written = 0;
    let staged = 0;
    let replaced = 0;
    const copyCsv = async (sql: string) => {
      const copy = client.query(copyFrom(sql));
      await pipeline(fs.createReadStream(r.csvFile), copy);
      return Number(copy.rowCount);
    };
    const first = firstLoadPlan('postgres', schema, table, [], audit);
    let loadedFirst = false;
    for (const { step, sql } of loadPlan('postgres', schema, table, { kind: 'stdin' }, audit)) {
      // The staged steps are skipped once the first load's COPY has the rows in (the plain script's CSV never holds a key twice).
      if (loadedFirst && step !== 'audit' && step !== 'commit') continue;
      if (step === 'copy') {
        staged = await copyCsv(sql);
      } else if (step === 'audit') {
        await client.query(sql, auditValues(sql, audit, table.name, { files: 1, staged, inserted: written - replaced, replaced, durationMs: 0 }));
      } else {
        const result = await client.query(sql);
        if (step === 'delete') replaced = result.rowCount ?? 0;
        if (step === 'insert') written = result.rowCount ?? 0;
        if (step === 'lock' && first && (await client.query(first.probe.sql, first.probe.values)).rows[0].first) {
          staged = written = await copyCsv(first.copy);
          loadedFirst = true;
        }
      }
    }
    return written;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
