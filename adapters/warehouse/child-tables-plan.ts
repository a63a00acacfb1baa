/**
 * Pure SQL for loading a parent table and its child tables (core/child-tables.ts) in one
 * transaction, in both dialects. It is the parent's own plan (table-plan.ts loadPlan) with
 * the children woven in:
 *
 *   BEGIN; LOCK parent; LOCK each child (by name: a fixed order, so two loads never
 *   deadlock); stage and COPY the parent, then each child; delete the children of every
 *   parent about to be replaced; write the parent by its load mode; insert the children of
 *   the staged parents; one audit row per table; COMMIT.
 *
 * What the load modes mean for the children:
 * - `merge`: a staged parent's children are all replaced by its staged children (a child
 *   the vendor removed disappears; a parent staged without children loses them all).
 * - `replaceWindow`: as merge, and the children of the parents the window delete removes
 *   go with them (no orphans).
 * - `append`: the children of a parent already in the table are left as they are (so is
 *   the parent); a new parent comes with its staged children.
 * Child rows whose parent was not staged (its record rejected, or left out by `where`)
 * are not inserted: a child row always has its parent.
 */
import type { TableConfig } from '../../core/config-schema';
import { copyOrder, ident, loadPlan, tablePlan, windowConditions, type CopySource, type Dialect, type LoadScope, type LoadStatement } from './table-plan';

export const stagingOf = (table: TableConfig): string => ident(`dif_stage_${table.name}`);

/**
 * `children` are the parent's child tables as childTables() gives them (in lock order);
 * `sourceOf` where each table's staged rows come from (for Redshift, each its manifest).
 */
export function familyLoadPlan(
  dialect: Dialect,
  schema: string,
  parent: TableConfig,
  children: TableConfig[],
  sourceOf: (table: TableConfig) => CopySource,
  scope?: LoadScope,
): LoadStatement[] {
  const own = loadPlan(dialect, schema, parent, sourceOf(parent), scope);
  if (children.length === 0) return own;
  const pick = (steps: LoadStatement['step'][]) => own.filter((s) => steps.includes(s.step));
  const mode = parent.load?.mode ?? 'merge';
  const parentPlan = tablePlan(schema, parent);
  const parts = children.map((child) => childStatements(dialect, schema, parent, parentPlan.qualified, child, sourceOf(child), mode, scope));
  return [
    ...pick(['begin', 'lock']),
    ...parts.flatMap((p) => p.lock),
    ...pick(['stage', 'copy']),
    ...parts.flatMap((p) => p.stage),
    ...parts.flatMap((p) => p.delete),
    ...(mode === 'append' ? parts.flatMap((p) => p.insert) : []),
    ...pick(['delete', 'insert']),
    ...(mode === 'append' ? [] : parts.flatMap((p) => p.insert)),
    ...pick(['audit']),
    ...parts.flatMap((p) => p.audit),
    ...pick(['commit']),
  ];
}

function childStatements(
  dialect: Dialect,
  schema: string,
  parent: TableConfig,
  parentQualified: string,
  child: TableConfig,
  source: CopySource,
  mode: string,
  scope: LoadScope | undefined,
) {
  const plan = loadPlan(dialect, schema, child, source);
  const tag = (statements: LoadStatement[]) => statements.map((s) => ({ ...s, table: child.name }));
  const qualified = tablePlan(schema, child).qualified;
  const staging = stagingOf(child);
  const parentStaging = stagingOf(parent);
  const childKey = tablePlan(schema, child).key;
  const cols = tablePlan(schema, child).csvColumns.map(ident).join(', ');
  const parentKey = ['_dif_customer', ...parent.primaryKey];
  // The child's parent key columns: the customer, then those leading its key (core/child-tables.ts childTableConfig).
  const carried = ['_dif_customer', ...child.primaryKey.slice(0, parent.primaryKey.length)];
  const joins = (childRef: string, parentRef: string) => carried.map((c, i) => `${childRef}.${ident(c)} = ${parentRef}.${ident(parentKey[i])}`).join(' AND ');
  const latest = `SELECT *, row_number() OVER (PARTITION BY ${childKey.map(ident).join(', ')} ORDER BY ${copyOrder(dialect, child)}) AS _dif_rank FROM ${staging}`;
  const stagedParent = `EXISTS (SELECT 1 FROM ${parentStaging} p WHERE ${joins('s', 'p')})`;
  const deletes: LoadStatement[] =
    mode === 'append'
      ? []
      : [
          // As the parent's (table-plan.ts): the rows replaced first, then the window's others.
          { step: 'delete', counts: 'replaced', sql: `DELETE FROM ${qualified} USING ${parentStaging} p WHERE ${joins(qualified, 'p')}` },
          ...(mode === 'replaceWindow'
            ? [{ step: 'delete' as const, counts: 'removed' as const, sql: `DELETE FROM ${qualified} USING ${parentQualified} p WHERE ${joins(qualified, 'p')} AND ${windowConditions(parent, scope, 'p').join(' AND ')}` }]
            : []),
        ];
  const insert: LoadStatement =
    mode === 'append'
      ? {
          // Runs before the parent's insert: "already in the table" means before this load.
          step: 'insert',
          sql:
            `INSERT INTO ${qualified} (${cols}) SELECT ${cols} FROM (${latest}) s WHERE _dif_rank = 1 AND ${stagedParent} ` +
            `AND NOT EXISTS (SELECT 1 FROM ${parentQualified} p WHERE ${joins('s', 'p')}) ` +
            `AND NOT EXISTS (SELECT 1 FROM ${qualified} t WHERE ${childKey.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' AND ')})`,
        }
      : { step: 'insert', sql: `INSERT INTO ${qualified} (${cols}) SELECT ${cols} FROM (${latest}) s WHERE _dif_rank = 1 AND ${stagedParent}` };
  return {
    lock: tag(plan.filter((s) => s.step === 'lock')),
    stage: tag(plan.filter((s) => s.step === 'stage' || s.step === 'copy')),
    delete: tag(deletes),
    insert: tag([insert]),
    audit: tag(plan.filter((s) => s.step === 'audit')),
  };
}
