/**
 * Child tables: rows nested in a stream's records (Shopify orders → line items, refunds) or
 * joined to them by a field (a bulk operation's JSONL, `__parentId`), written to tables of
 * their own next to the parent table. A child table is turned here into an ordinary
 * TableConfig (the parent key columns first, then the child's columns), so the row mapper,
 * the CSV writer and CREATE TABLE treat it as any table; what makes it a child is only the
 * load (adapters/warehouse/child-tables-plan.ts): in the parent's transaction, the children
 * of every staged parent are replaced. Pure: the grammar's meaning and its checks.
 */
import type { ChildTableConfig, ColumnConfig, TableConfig, VendorConfigDocument } from './config-schema';
import type { ConfigProblem } from './validate';
import { checkFormat, columnSource } from './columns';
import { piiDeclarationProblems } from './pii-columns';

/** The names of the columns carrying the parent's key in a child table, in the parent key's order. */
export function parentKeyColumns(parent: TableConfig, child: ChildTableConfig): string[] {
  return parent.primaryKey.map((key, i) => child.parentKey?.[i] ?? `parent_${key}`);
}

/**
 * The child as a table: its parent key columns (typed as the parent's, read as the parent
 * reads them: the same record, so the same cell; or by `joinedBy`), then its own columns,
 * which read `item` by default when the child comes `from` a nested list.
 */
export function childTableConfig(parent: TableConfig, child: ChildTableConfig): TableConfig {
  const names = parentKeyColumns(parent, child);
  const keyColumns: ColumnConfig[] = parent.primaryKey.map((key, i) => {
    const column = parent.columns.find((c) => c.name === key)!;
    if (child.joinedBy !== undefined) return { name: names[i], type: column.type, nullable: false, source: child.joinedBy };
    // The parent's source, spelled out: a default source reads the record by the column's name, which changes here.
    const source = column.metadata === undefined ? { source: columnSource(column) } : {};
    return { ...column, name: names[i], nullable: false, required: undefined, ...source } as ColumnConfig;
  });
  const own = child.columns.map((c) =>
    child.from !== undefined && c.source === undefined && c.metadata === undefined ? { ...c, source: `item[${JSON.stringify(c.name)}]` } : c,
  );
  return {
    name: child.name,
    primaryKey: [...names, ...child.primaryKey],
    columns: [...keyColumns.map(withoutUndefined), ...own],
    ...(child.from !== undefined ? { explode: child.from } : {}),
    ...(child.where !== undefined ? { where: child.where } : {}),
    ...(parent.rejects ? { rejects: parent.rejects } : {}),
  };
}

/** Every child of a table as a table, in the order their locks are taken: by name (parents before children). */
export function childTables(parent: TableConfig): TableConfig[] {
  return (parent.children ?? []).map((c) => childTableConfig(parent, c)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The problems of every table's `children`, each with its JSON path. */
export function childTableProblems(config: VendorConfigDocument, out: ConfigProblem[]): void {
  const tableNames = new Map<string, string>();
  for (const [name, stream] of Object.entries(config.streams)) tableNames.set(stream.table.name, `$.streams.${name}.table.name`);
  for (const [name, stream] of Object.entries(config.streams)) {
    const parent = stream.table;
    if (!parent.children) continue;
    const at = `$.streams.${name}.table`;
    if (parent.explode !== undefined) out.push({ path: `${at}.children`, message: 'a table that explodes its records has no single parent row per record: use children or explode, not both' });
    parent.children.forEach((child, i) => {
      const childAt = `${at}.children[${i}]`;
      const taken = tableNames.get(child.name);
      if (taken) out.push({ path: `${childAt}.name`, message: `table "${child.name}" is written already (${taken}); a child table belongs to one parent` });
      else tableNames.set(child.name, `${childAt}.name`);
      if ((child.from === undefined) === (child.joinedBy === undefined)) {
        out.push({ path: childAt, message: 'needs exactly one of "from" (a nested list in the parent record) or "joinedBy" (the parent key read from a child record)' });
      }
      if (child.joinedBy !== undefined) {
        if (parent.primaryKey.length !== 1) out.push({ path: `${childAt}.joinedBy`, message: `reads one value, but the parent key has ${parent.primaryKey.length} columns (${parent.primaryKey.join(', ')})` });
        if (child.where === undefined) out.push({ path: childAt, message: 'missing required field "where": with "joinedBy" it tells the child records from their parents' });
        if (parent.where === undefined) out.push({ path: `${at}.where`, message: 'missing: with a "joinedBy" child, the parent table needs a "where" that leaves the child records out' });
      }
      if (child.parentKey !== undefined && child.parentKey.length !== parent.primaryKey.length) {
        out.push({ path: `${childAt}.parentKey`, message: `names ${child.parentKey.length} column(s) but the parent key has ${parent.primaryKey.length} (${parent.primaryKey.join(', ')})` });
      }
      const keyNames = parentKeyColumns(parent, child);
      const seen = new Set<string>(keyNames);
      child.columns.forEach((column, c) => {
        if (seen.has(column.name)) {
          const why = keyNames.includes(column.name) ? 'the parent key column' : 'a column';
          out.push({ path: `${childAt}.columns[${c}].name`, message: `duplicate column "${column.name}": ${why} of that name is there already` });
        }
        seen.add(column.name);
        if (column.source && column.metadata) out.push({ path: `${childAt}.columns[${c}].metadata`, message: 'a column takes its value from `source` or `metadata`, not both' });
        for (const message of piiDeclarationProblems(column)) out.push({ path: `${childAt}.columns[${c}].pii`, message });
        try {
          checkFormat(column);
        } catch (e) {
          out.push({ path: `${childAt}.columns[${c}].format`, message: (e as Error).message });
        }
      });
      child.primaryKey.forEach((key, k) => {
        if (!child.columns.some((c) => c.name === key)) out.push({ path: `${childAt}.primaryKey[${k}]`, message: `"${key}" is not one of the child table's columns` });
      });
    });
  }
}
