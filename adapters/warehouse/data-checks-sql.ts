/**
 * Measures a load's data checks (core/data-checks.ts) inside its transaction, in SQL that
 * Postgres and Redshift both run: the previous load's staged rows from the audit table,
 * and the nulls among the staged rows.
 */
import type { TableConfig } from '../../core/config-schema';
import { checkVerdict, type CheckMeasure, type DataCheck } from '../../core/data-checks';
import { DataCheckError } from '../../core/errors';
import type { Totals } from '../../core/vendor-totals';
import { stagingOf } from './child-tables-plan';
import { AUDIT_TABLE, ident } from './table-plan';
import type { LoadAudit, SqlSession } from './warehouse';

/**
 * Runs the table's checks; throws DataCheckError for the first `fail` that does not hold
 * (its caller rolls the load back), returns the `warn` sentences.
 */
export async function runDataChecks(
  session: SqlSession,
  schema: string,
  table: TableConfig,
  staged: number,
  audit: LoadAudit | undefined,
  /** The vendor's totals of the run (core/vendor-totals.ts), for `sum` checks. */
  totals: Totals = {},
): Promise<string[]> {
  const checks = table.load?.checks ?? [];
  const warnings: string[] = [];
  const where = `data check on ${schema}.${table.name}${audit ? ` (stream ${audit.stream}, customer ${audit.customer})` : ''}`;
  for (const check of checks) {
    const verdict = checkVerdict(check, await measure(session, schema, table, check, staged, audit, totals), where);
    if (!verdict) continue;
    if (check.on === 'fail') throw new DataCheckError(`${verdict}; the load was rolled back`);
    warnings.push(verdict);
  }
  return warnings;
}

async function measure(session: SqlSession, schema: string, table: TableConfig, check: DataCheck, staged: number, audit: LoadAudit | undefined, totals: Totals): Promise<CheckMeasure> {
  if (check.kind === 'rowCount') {
    if (!audit) return { kind: 'rowCount', staged };
    const { rows } = await session.query(
      `SELECT rows_staged FROM ${ident(schema)}.${ident(AUDIT_TABLE)} WHERE table_name = $1 AND customer = $2 AND stream = $3 AND run_id <> $4 ORDER BY loaded_at DESC LIMIT 1`,
      [table.name, audit.customer, audit.stream, audit.runId],
    );
    const previous = rows.length ? Number((rows[0] as { rows_staged: string | number }).rows_staged) : undefined;
    return { kind: 'rowCount', staged, ...(previous !== undefined ? { previous } : {}) };
  }
  if (check.kind === 'sum') {
    // Over the rows staged, as the vendor sent them: its total counts what it answered.
    const { rows } = await session.query(`SELECT sum(${ident(check.column)}) AS s FROM ${stagingOf(table)}`);
    const sum = Number((rows[0] as { s: string | number | null }).s ?? 0);
    return { kind: 'sum', sum, ...(Object.hasOwn(totals, check.total) ? { total: totals[check.total] } : {}) };
  }
  const counts = check.columns.map((c, i) => `count(CASE WHEN ${ident(c)} IS NULL THEN 1 END) AS n${i}`).join(', ');
  const { rows } = await session.query(`SELECT ${counts} FROM ${stagingOf(table)}`);
  const row = rows[0] as Record<string, string | number>;
  return { kind: 'notNull', nulls: Object.fromEntries(check.columns.map((c, i) => [c, Number(row[`n${i}`])])) };
}
