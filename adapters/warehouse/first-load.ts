/**
 * A customer's first load into a Postgres table: COPY straight into the target instead of
 * staging, deleting and inserting (table-plan.ts loadPlan).
 *
 * Why: when the target holds no row of the run's customer, the merge's key delete can
 * find nothing (every staged row is the run's customer's, and the key starts with
 * `_dif_customer`), and what is left is a COPY into a temporary table, a sort to keep one
 * row per key, and an INSERT … SELECT into the target. Measured by hand with psql on this
 * project's machine (2026-12-03, Postgres 15, 100,000 rows of the bench's shape into a table
 * holding 200,000 rows of other customers, three runs each): staged merge 846–867 ms
 * (COPY 166–180, delete 3–71, insert 605–675); COPY into the target 606–819 ms.
 *
 * Safe because Postgres enforces the key: the COPY runs under a savepoint, and a key the
 * load carries twice (rows that the merge would have ranked) fails it with a unique
 * violation, which rolls back to the savepoint and lets the staged merge run as before.
 * Used only where the result is the merge's: the default `merge` mode without soft deletes,
 * no data checks (they measure the staging table), no child tables, and a unique index on
 * exactly the key (DIF creates the table with that primary key; a table made otherwise
 * may lack it, and then a COPY could write a key twice). Redshift enforces no key, so its
 * plan never takes this path. A customer with rows already (every later run) goes the
 * staged way at once: the probe is one index look-up, so no COPY is wasted on a look-back
 * window that replaces rows.
 */
import type { TableConfig } from '../../core/config-schema';
import { ident, tablePlan, type Dialect, type LoadScope } from './table-plan';

export interface FirstLoadPlan {
  /** One row, one boolean column `first`: the customer has no row in the target, and the target enforces the key. */
  probe: { sql: string; values: (string | string[])[] };
  /** The COPY into the target, for the stager. */
  copy: string;
}

/** The savepoint the first load's COPY runs under. */
export const FIRST_LOAD_SAVEPOINT = 'dif_first_load';

/** Postgres's SQLSTATE for a duplicate key. */
export const UNIQUE_VIOLATION = '23505';

/** The first-load path for this load, or undefined where only the staged merge gives the merge's result. */
export function firstLoadPlan(dialect: Dialect, schema: string, table: TableConfig, children: TableConfig[], scope: LoadScope | undefined): FirstLoadPlan | undefined {
  if (dialect !== 'postgres' || !scope || children.length) return undefined;
  const load = table.load;
  if ((load?.mode ?? 'merge') !== 'merge' || load?.softDelete || load?.checks?.length) return undefined;
  const plan = tablePlan(schema, table);
  // Compared as sets (as many key columns, all of them the key's): a unique index on the key's columns in any order enforces the same keys.
  const indexColumns = 'SELECT array_agg(a.attname::text) FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey[0:i.indnkeyatts - 1])';
  return {
    probe: {
      sql:
        `SELECT NOT EXISTS (SELECT 1 FROM ${plan.qualified} WHERE ${ident('_dif_customer')} = $1) ` +
        `AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = $2::regclass AND i.indisunique AND i.indimmediate AND i.indisvalid ` +
        `AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = ${plan.key.length} AND (${indexColumns}) @> $3::text[]) AS first`,
      values: [scope.customer, plan.qualified, plan.key],
    },
    copy: `COPY ${plan.qualified} (${plan.csvColumns.map(ident).join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`,
  };
}
