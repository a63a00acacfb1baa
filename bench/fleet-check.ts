/**
 * Rows lost and duplicated, counted in the warehouse against the rows the mocks served: per
 * customer and vendor table, every expected row must be there once. Lost: expected rows
 * missing (a failed run loses its whole window). Duplicated: rows beyond one per key, and
 * keys beyond those the mock served.
 */
import type pg from 'pg';

export interface TableExpectation {
  table: string;
  primaryKey: string[];
  /** Rows each customer should have. */
  expectedRows: number;
}

export interface RowCheck {
  expected: number;
  lost: number;
  duplicated: number;
}

export async function checkRows(pool: pg.Pool, schema: string, tables: TableExpectation[], customers: string[]): Promise<RowCheck> {
  const result: RowCheck = { expected: 0, lost: 0, duplicated: 0 };
  for (const t of tables) {
    const counts = new Map<string, { rows: number; keys: number }>();
    try {
      const key = t.primaryKey.map(ident).join(', ');
      const { rows } = await pool.query<{ customer: string; rows: number; keys: number }>(
        `SELECT "_dif_customer" AS customer, count(*)::int AS rows, count(DISTINCT (${key}))::int AS keys ` +
          `FROM ${ident(schema)}.${ident(t.table)} WHERE "_dif_customer" = ANY($1) GROUP BY 1`,
        [customers],
      );
      for (const r of rows) counts.set(r.customer, { rows: r.rows, keys: r.keys });
    } catch (e) {
      // No table: no run of this vendor loaded anything, so every row is lost.
      if ((e as { code?: string }).code !== '42P01') throw e;
    }
    for (const customer of customers) {
      const got = counts.get(customer) ?? { rows: 0, keys: 0 };
      result.expected += t.expectedRows;
      result.lost += Math.max(0, t.expectedRows - got.keys);
      result.duplicated += got.rows - got.keys + Math.max(0, got.keys - t.expectedRows);
    }
  }
  return result;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
