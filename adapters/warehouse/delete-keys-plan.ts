/**
 * Pure SQL for a deletes feed (core/delete-keys.ts), in both dialects: the feed's CSV is
 * staged as any load's is, then the target's rows whose key (customer + primary key) is
 * staged are deleted, or, when the target keeps soft deletes, marked `_dif_deleted`; one
 * audit row for the feed; all in one transaction that first locks the target, as its own
 * loads do, so a delete and a load of one table queue and never interleave.
 */
import type { TableConfig } from '../../core/config-schema';
import { METADATA_COLUMNS } from '../../core/csv-layout';
import { DELETED_COLUMN } from '../../core/load-modes';
import { stagingOf } from './child-tables-plan';
import { columnType, deletedMark, ident, loadPlan, lockSql, sqlType, tablePlan, type CopySource, type Dialect, type LoadScope, type LoadStatement } from './table-plan';

export function deleteKeysPlan(dialect: Dialect, schema: string, feed: TableConfig, target: TableConfig, source: CopySource, scope?: LoadScope): LoadStatement[] {
  // The feed's own plan gives the statements that are the same: BEGIN, its COPY, its audit rows, COMMIT.
  const own = loadPlan(dialect, schema, { ...feed, load: { mode: 'merge' } }, source, scope);
  const pick = (step: LoadStatement['step']) => own.filter((s) => s.step === step);
  const staging = stagingOf(feed);
  const targetPlan = tablePlan(schema, target);
  const columns = [
    ...feed.columns.map((c) => `${ident(c.name)} ${columnType(c, dialect)}`),
    ...METADATA_COLUMNS.map((c) => `${ident(c.name)} ${sqlType(c.type, dialect)}`),
  ].join(', ');
  const on = targetPlan.key.map((k) => `${targetPlan.qualified}.${ident(k)} = s.${ident(k)}`).join(' AND ');
  const write: LoadStatement = deletedMark(target)
    ? {
        step: 'delete',
        counts: 'removed',
        sql: `UPDATE ${targetPlan.qualified} SET ${ident(DELETED_COLUMN)} = true FROM ${staging} s WHERE ${on} AND ${targetPlan.qualified}.${ident(DELETED_COLUMN)} = false`,
      }
    : { step: 'delete', counts: 'removed', sql: `DELETE FROM ${targetPlan.qualified} USING ${staging} s WHERE ${on}` };
  return [
    ...pick('begin'),
    { step: 'lock', sql: lockSql(dialect, targetPlan.qualified) },
    ...(dialect === 'redshift'
      ? [
          { step: 'stage' as const, sql: `DROP TABLE IF EXISTS ${staging}` },
          { step: 'stage' as const, sql: `CREATE TEMP TABLE ${staging} (${columns})` },
        ]
      : [{ step: 'stage' as const, sql: `CREATE TEMP TABLE ${staging} (${columns}) ON COMMIT DROP` }]),
    ...pick('copy'),
    write,
    ...pick('audit'),
    ...pick('commit'),
  ];
}
