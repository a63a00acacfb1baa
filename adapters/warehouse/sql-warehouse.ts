import pg from 'pg';
import type { TableConfig } from '../../core/config-schema';
import { auditValues, createAuditTableSql, createTableSql, ident, markExistingSql, type CopySource, type Dialect, type LoadStatement } from './table-plan';
import { deleteKeysPlan } from './delete-keys-plan';
import { DELETED_COLUMN } from '../../core/load-modes';
import { familyLoadPlan } from './child-tables-plan';
import { changeSql, createSchemaHistorySql, evolutionPlan, recordChangeSql, type ExistingColumn } from './table-evolution';
import { checkFence, createFencingSql } from './fencing';
import { runDataChecks } from './data-checks-sql';
import { DataCheckError } from '../../core/errors';
import { childTables } from '../../core/child-tables';
import { FIRST_LOAD_SAVEPOINT, firstLoadPlan, UNIQUE_VIOLATION, type FirstLoadPlan } from './first-load';
import type { CsvPart, LoadAudit, LoadHooks, LoadResult, SqlSession, TableCounts, Warehouse, WarehouseEndpoint } from './warehouse';

/** Test seam: runs between staging and merge, to prove a crash there changes nothing. */
export type AfterStageHook = (client: pg.PoolClient) => Promise<void>;

/** What differs between the warehouses that speak the Postgres protocol: where the staged rows come from. */
export interface Stager {
  /** The COPY's source for one table's parts (table-plan.ts CopySource). */
  sourceOf(table: TableConfig, parts: CsvPart[]): CopySource;
  /** Runs the table's `copy` statement with its parts; the rows staged. */
  copy(client: pg.PoolClient, sql: string, parts: CsvPart[]): Promise<number>;
  /** How many parts a load should be a multiple of (Warehouse.partMultiple); absent: 1, parts staged one after another. */
  partMultiple?(pool: pg.Pool): Promise<number>;
  /** After a failed load, rolled back: what the warehouse says about the rows it could not stage (Redshift's load errors). */
  explainFailure?(client: pg.PoolClient): Promise<string | undefined>;
}

export interface SqlWarehouseOptions {
  kind: Warehouse['kind'];
  dialect: Dialect;
  pool: pg.Pool;
  schema: string;
  stager: Stager;
  endpoint: WarehouseEndpoint;
  /** Creates the database when missing (Postgres); a no-op elsewhere. */
  prepare?: () => Promise<void>;
}

/**
 * A warehouse that speaks the Postgres protocol (Postgres, Redshift), loading by the plan in
 * table-plan.ts and child-tables-plan.ts: stage the CSV in a temporary table, then the
 * load mode's writes and the audit rows, all in one transaction: a failure or a crash
 * anywhere leaves the target as it was, and a re-run gives the same table. The table is
 * locked first, so concurrent loads queue.
 */
export class SqlWarehouse implements Warehouse {
  afterStage?: AfterStageHook;
  readonly kind: Warehouse['kind'];
  readonly schema: string;
  /** The connection pool (the Postgres protocol, whichever warehouse): tests and benches query the tables through it. */
  readonly pool: pg.Pool;
  private readonly dialect: Dialect;
  private multiple?: Promise<number>;

  constructor(private readonly options: SqlWarehouseOptions) {
    this.kind = options.kind;
    this.schema = options.schema;
    this.pool = options.pool;
    this.dialect = options.dialect;
  }

  endpoint(): WarehouseEndpoint {
    return this.options.endpoint;
  }

  async prepare(): Promise<void> {
    await this.options.prepare?.();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The stager's answer, asked once per warehouse (one per process); a failed ask is asked again next time. */
  partMultiple(): Promise<number> {
    const ask = this.options.stager.partMultiple;
    if (!ask) return Promise.resolve(1);
    this.multiple ??= ask(this.pool).catch((e) => {
      this.multiple = undefined;
      throw e;
    });
    return this.multiple;
  }

  checkFence(session: SqlSession, table: string, token: number): Promise<void> {
    return checkFence(session, this.schema, table, token, this.dialect);
  }

  /** The table's column names, or undefined when there is no such table yet. */
  async columnsOf(tableName: string): Promise<Set<string> | undefined> {
    const columns = await this.describe(this.pool, tableName);
    return columns.size ? new Set(columns.keys()) : undefined;
  }

  private async describe(client: pg.Pool | pg.PoolClient, tableName: string): Promise<Map<string, ExistingColumn>> {
    const { rows } = await client.query<{ column_name: string; data_type: string; character_maximum_length: number | null }>(
      'SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [this.schema, tableName],
    );
    return new Map(rows.map((r) => [r.column_name, { dataType: r.data_type, length: r.character_maximum_length === null ? null : Number(r.character_maximum_length) }]));
  }

  /**
   * Creates the schema, the table and DIF's own tables when missing, then evolves the
   * table by the policy in table-evolution.ts: every change planned (and a refusal thrown)
   * before the first is made, each one recorded in dif_schema_history.
   */
  async ensureTable(table: TableConfig, widths?: Record<string, number>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`).catch(ignoreRace);
      for (const sql of [createAuditTableSql(this.schema, this.dialect), createSchemaHistorySql(this.schema, this.dialect), createFencingSql(this.schema, this.dialect)]) {
        await client.query(sql).catch(ignoreRace);
      }
      await client.query(createTableSql(this.schema, table, this.dialect, widths)).catch(ignoreRace);
      const changes = evolutionPlan(this.dialect, this.schema, table, await this.describe(client, table.name), widths);
      const statements = changes.map((change) => changeSql(this.dialect, this.schema, table.name, change));
      for (const [i, change] of changes.entries()) {
        await client.query(statements[i]);
        await client.query(recordChangeSql(this.schema), [table.name, change.column, change.kind, change.kind === 'widen' ? change.from : null, change.to]);
        // The rows already there get their mark from the soft-delete column they hold.
        const mark = change.column === DELETED_COLUMN ? markExistingSql(this.schema, table) : undefined;
        if (mark) await client.query(mark);
      }
    } finally {
      client.release();
    }
  }

  /**
   * `hooks.inTransaction` runs inside the load's transaction right after the table lock:
   * the fencing-token check that refuses a stale lock holder (activities/table-lock.ts).
   */
  async load(
    table: TableConfig,
    parts: CsvPart[],
    audit?: LoadAudit,
    hooks: LoadHooks = {},
    /** The CSV parts of each child table, by its name: all loaded in the parent's transaction. */
    childParts: Record<string, CsvPart[]> = {},
  ): Promise<LoadResult> {
    const children = childTables(table);
    const missing = children.filter((c) => !Object.hasOwn(childParts, c.name)).map((c) => c.name);
    if (missing.length) throw new Error(`load into ${this.schema}.${table.name}: no CSV for its child table(s) ${missing.join(', ')}; nothing was loaded`);
    if (table.load?.mode === 'deleteKeys') throw new Error(`table ${table.name} is a deletes feed (load mode deleteKeys): it is loaded by deleteKeys, into its target`);
    await this.ensureTable(table, hooks.widths);
    for (const child of children) await this.ensureTable(child);
    const what = `${this.schema}.${table.name}${children.length ? ` and its child tables (${children.map((c) => c.name).join(', ')})` : ''}`;
    return this.execute(
      what,
      table,
      parts,
      audit,
      hooks,
      childParts,
      children,
      () => familyLoadPlan(this.dialect, this.schema, table, children, (t) => this.options.stager.sourceOf(t, t.name === table.name ? parts : childParts[t.name]), audit),
      firstLoadPlan(this.dialect, this.schema, table, children, audit),
    );
  }

  /**
   * A deletes feed (core/delete-keys.ts): its staged keys delete the target's rows of the
   * run's customer, or mark them `_dif_deleted` when the target keeps soft deletes; the
   * target locked and `hooks.inTransaction` (the fence of the target's table lock) run as
   * in a load, one audit row for the feed. `rowsRemoved` counts the rows deleted or marked.
   */
  async deleteKeys(feed: TableConfig, target: TableConfig, parts: CsvPart[], audit?: LoadAudit, hooks: LoadHooks = {}): Promise<LoadResult> {
    await this.ensureTable(target);
    return this.execute(`${this.schema}.${target.name} (the keys of deletes feed ${feed.name})`, feed, parts, audit, hooks, {}, [], () =>
      deleteKeysPlan(this.dialect, this.schema, feed, target, this.options.stager.sourceOf(feed, parts), audit),
    );
  }

  /** Runs a plan statement by statement in one transaction: staging, writes, data checks, audit rows. */
  private async execute(
    what: string,
    table: TableConfig,
    parts: CsvPart[],
    audit: LoadAudit | undefined,
    hooks: LoadHooks,
    childParts: Record<string, CsvPart[]>,
    children: TableConfig[],
    planOf: () => LoadStatement[],
    /** A customer's first load straight into the target (first-load.ts), tried right after the lock and fence. */
    firstLoad?: FirstLoadPlan,
  ): Promise<LoadResult> {
    const started = Date.now();
    const client = await this.pool.connect();
    // A connection that dies mid-load (server restart, a killed backend) emits 'error' on
    // the client; without a listener that would crash the worker instead of failing the load.
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    client.on('error', onError);
    const counts = new Map<string, { staged: number; replaced: number; removed: number; written: number; files: number }>();
    const countsOf = (name: string) => {
      if (!counts.has(name)) counts.set(name, { staged: 0, replaced: 0, removed: 0, written: 0, files: name === table.name ? parts.length : childParts[name].length });
      return counts.get(name)!;
    };
    const partsOf = (name: string) => (name === table.name ? parts : childParts[name]);
    let locked = false;
    let checked = false;
    const warnings: string[] = [];
    try {
      const plan = planOf();
      for (let i = 0; i < plan.length; i++) {
        const { step, sql } = plan[i];
        const name = plan[i].table ?? table.name;
        const count = countsOf(name);
        if (step === 'copy') {
          count.staged += await this.options.stager.copy(client, sql, partsOf(name));
          // Once every table is staged (the test seam for a crash before any write).
          if (plan[i + 1]?.step !== 'copy' && plan[i + 1]?.step !== 'stage' && this.afterStage) await this.afterStage(client);
        } else if (step === 'audit') {
          // The data checks, once, after every write and before the audit rows: a failing one rolls all back.
          if (!checked) {
            checked = true;
            warnings.push(...(await runDataChecks(client, this.schema, table, countsOf(table.name).staged, audit, hooks.totals)));
          }
          if (!audit) continue;
          const counts = { files: count.files, staged: count.staged, inserted: newRows(count), replaced: count.replaced, durationMs: Date.now() - started };
          await client.query(sql, auditValues(sql, audit, name, counts));
        } else {
          // Redshift's fence locks dif_fencing to the commit (fencing.ts): checked last, so loads of
          // different tables queue only for their commits. Still in the transaction: a stale holder writes nothing.
          if (step === 'commit' && this.dialect === 'redshift') await hooks.inTransaction?.(client);
          const result = await client.query(sql);
          // Postgres's fence right after the first lock (the parent's), before anything is read or written.
          if (step === 'lock' && !locked) {
            locked = true;
            if (this.dialect === 'postgres') await hooks.inTransaction?.(client);
            if (firstLoad && (await this.loadedFirst(client, firstLoad, parts, countsOf(table.name)))) {
              // The rows are in the target: on to the data checks and the audit rows.
              i = plan.findIndex((s) => s.step === 'audit') - 1;
              continue;
            }
          }
          if (step === 'delete') count[plan[i].counts ?? 'replaced'] += result.rowCount ?? 0;
          if (step === 'insert') count.written = result.rowCount ?? 0;
        }
      }
      const tally = (name: string): TableCounts => {
        const n = countsOf(name);
        return { rowsStaged: n.staged, rowsInserted: newRows(n), rowsReplaced: n.replaced, rowsRemoved: n.removed };
      };
      const result: LoadResult = tally(table.name);
      if (children.length) result.children = Object.fromEntries(children.map((c) => [c.name, tally(c.name)]));
      if (warnings.length) result.warnings = warnings;
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      const detail = broken ? undefined : await this.options.stager.explainFailure?.(client).catch(() => undefined);
      broken ??= e as Error;
      const message =
        `load into ${what} failed, nothing was changed: ` +
        `${(e as Error).message}${detail ? `\n${detail}` : ''}`;
      // A failed data check keeps its class: no retry can fix the data (core/errors.ts maps it to DataError).
      throw e instanceof DataCheckError ? new DataCheckError(message) : new Error(message);
    } finally {
      client.off('error', onError);
      // A client whose load failed is discarded, not pooled: its session state is unknown.
      client.release(broken);
    }
  }

  /**
   * first-load.ts: when the probe says the customer has no row in the target (and the target
   * enforces the key), COPYs the parts straight into it under a savepoint; a key the load
   * carries twice rolls back to the savepoint, and the staged merge runs as usual. True when
   * the rows are in; any other failure fails the load as the staged COPY's would.
   */
  private async loadedFirst(client: pg.PoolClient, first: FirstLoadPlan, parts: CsvPart[], count: { staged: number; written: number }): Promise<boolean> {
    const { rows } = await client.query<{ first: boolean }>(first.probe.sql, first.probe.values);
    if (!rows[0]?.first) return false;
    await client.query(`SAVEPOINT ${FIRST_LOAD_SAVEPOINT}`);
    try {
      const copied = await this.options.stager.copy(client, first.copy, parts);
      await client.query(`RELEASE SAVEPOINT ${FIRST_LOAD_SAVEPOINT}`);
      count.staged = copied;
      count.written = copied;
    } catch (e) {
      if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      await client.query(`ROLLBACK TO SAVEPOINT ${FIRST_LOAD_SAVEPOINT}`);
      return false;
    }
    // The test seam for a crash before the commit, as after a staged COPY.
    if (this.afterStage) await this.afterStage(client);
    return true;
  }
}

/**
 * Rows of keys new to the table: those written less those that replaced a row of their key.
 * A child table's rows are replaced per parent, so there the difference counts a parent's
 * child rows beyond the ones it had (never below zero).
 */
function newRows(n: { written: number; replaced: number }): number {
  return Math.max(0, n.written - n.replaced);
}

/**
 * Two loads creating one schema or table at once: the loser sees a duplicate error, and
 * the object exists now. Which error depends on where the loser lost: the catalog's unique
 * index (23505), the schema or table (42P06, 42P07), or the table's row type (42710, "type
 * … already exists").
 */
const CREATE_RACE_CODES = new Set(['23505', '42P06', '42P07', '42710']);
function ignoreRace(e: { code?: string }): void {
  if (!CREATE_RACE_CODES.has(e.code ?? '')) throw e;
}
