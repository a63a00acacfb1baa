/**
 * What Redshift recorded about the rows a failed COPY rejected, for the load's error
 * message: file, line, column and reason of each. SYS_LOAD_ERROR_DETAIL (provisioned and
 * Serverless) first, STL_LOAD_ERRORS (older provisioned clusters) when that view is
 * missing; both for the session's last COPY (pg_last_copy_id()).
 */
import type pg from 'pg';

export interface LoadErrorRow {
  file: string;
  line: number | string | null;
  column: string | null;
  reason: string;
}

export const LOAD_ERROR_QUERIES = [
  'SELECT TRIM(file_name) AS file, line_number AS line, TRIM(column_name) AS column, TRIM(error_message) AS reason ' +
    'FROM sys_load_error_detail WHERE query_id = pg_last_copy_id() ORDER BY file_name, line_number LIMIT 20',
  'SELECT TRIM(filename) AS file, line_number AS line, TRIM(colname) AS column, TRIM(err_reason) AS reason ' +
    'FROM stl_load_errors WHERE query = pg_last_copy_id() ORDER BY filename, line_number LIMIT 20',
];

export function describeLoadErrors(rows: LoadErrorRow[]): string | undefined {
  if (!rows.length) return undefined;
  return (
    `Redshift rejected ${rows.length === 20 ? 'at least 20' : rows.length} row(s) of the COPY:\n` +
    rows.map((r) => `  ${r.file} line ${r.line ?? '?'}${r.column ? ` column ${r.column}` : ''}: ${r.reason}`).join('\n')
  );
}

export async function loadErrorsOf(client: pg.ClientBase): Promise<string | undefined> {
  for (const sql of LOAD_ERROR_QUERIES) {
    try {
      return describeLoadErrors((await client.query<LoadErrorRow>(sql)).rows);
    } catch {
      // That view is not on this cluster: try the next.
    }
  }
  return undefined;
}
