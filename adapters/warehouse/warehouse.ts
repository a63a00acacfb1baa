/**
 * The seam between DIF and the warehouse it loads into. Activities, the worker wiring, the
 * CLI and health checks see only this interface; each warehouse lives in its own folder
 * (adapters/warehouse/postgres/, adapters/warehouse/redshift/) and is listed once in
 * adapters/warehouse/registry.ts. The CSV they load is laid out by the core
 * (core/csv-layout.ts), not by a warehouse.
 *
 * Postgres and Redshift both speak the Postgres protocol and share the SQL executor
 * (sql-warehouse.ts): only the COPY, the types and the fencing statements differ, so the
 * suite runs the Redshift dialect's SQL against Postgres everywhere but the S3 COPY.
 */
import type { Readable } from 'node:stream';
import type { TableConfig } from '../../core/config-schema';
import type { Settings } from '../settings';
import type { SqlWarehouse } from './sql-warehouse';

/** One CSV part to stage: opened only when its turn comes, so one part is read at a time. */
export interface CsvPart {
  open(): Promise<Readable>;
  gzip: boolean;
  /**
   * The manifest (core/output-plan.ts) that lists this part and its siblings, as a URL of
   * the object store (`s3://bucket/key`): a warehouse that reads the parts itself (Redshift's
   * COPY … MANIFEST) needs it.
   */
  manifestUrl?: string;
}

export interface TableCounts {
  rowsStaged: number;
  /** Rows whose key was not in the table before this load. */
  rowsInserted: number;
  /** Rows that replaced a row of the same key (an update of that key). */
  rowsReplaced: number;
  /** `replaceWindow`: rows of the window the vendor no longer reports, deleted and not replaced. */
  rowsRemoved: number;
}

export interface LoadResult extends TableCounts {
  /** Per child table (core/child-tables.ts), when the table has children. */
  children?: Record<string, TableCounts>;
  /** The `warn` data checks (core/data-checks.ts) that did not hold; the load stands. */
  warnings?: string[];
}

/** What the audit table records about a load besides the counts. */
export interface LoadAudit {
  runId: string;
  vendor: string;
  customer: string;
  stream: string;
  window: { from: string; to: string };
  rowsRejected: number;
  /** The run's partition, for a partitioned stream: `replaceWindow` replaces only its rows. */
  partition?: string;
}

/** The part of a warehouse connection a fence check needs (a pg client fits). */
export interface SqlSession {
  query(sql: string, values?: unknown[]): Promise<{ rowCount: number | null; rows: unknown[] }>;
}

/** Runs inside the load transaction; throws (and so rolls the load back) when the table lock went stale. */
export type Fence = (session: SqlSession) => Promise<void>;

/** What the caller adds to a load besides its data. */
export interface LoadHooks {
  /** Runs inside the load's transaction (Postgres: right after the table lock; Redshift: just before the commit): the fencing-token check (activities/table-lock.ts). */
  inTransaction?: Fence;
  /** The longest value of each column in this load, in UTF-8 bytes (the preprocess summary): Redshift sizes and widens varchar columns by them. */
  widths?: Record<string, number>;
  /** The vendor's totals of the run (core/vendor-totals.ts), which `sum` data checks compare with. */
  totals?: Record<string, number>;
}

/** Where the warehouse listens, for health checks and connection-error messages (adapters/health.ts). */
export interface WarehouseEndpoint {
  /** Its name in the registry (registry.ts), which is its DIF_WAREHOUSE value. */
  name: string;
  /** host:port */
  address: string;
  fix: string;
}

export interface Warehouse {
  /** Its name in the registry (registry.ts): a new warehouse widens no type here. */
  readonly kind: string;
  /** The schema that holds the vendors' tables. */
  readonly schema: string;
  /** The table's column names, or undefined when there is no such table yet. */
  columnsOf(tableName: string): Promise<Set<string> | undefined>;
  /**
   * Creates the schema, table and audit table when missing and evolves the table to the
   * config: new columns added, types widened where safe, anything else refused
   * (TableShapeError) before any change; every change recorded in the schema history.
   */
  ensureTable(table: TableConfig, widths?: Record<string, number>): Promise<void>;
  /**
   * One transaction: lock the table (and its child tables), run the fence, stage the CSV
   * parts, write by the table's load mode (core/load-modes.ts), one audit row per table.
   * A failure anywhere changes nothing.
   */
  load(table: TableConfig, parts: CsvPart[], audit?: LoadAudit, hooks?: LoadHooks, childParts?: Record<string, CsvPart[]>): Promise<LoadResult>;
  /**
   * A deletes feed (core/delete-keys.ts): one transaction that locks the target's table, runs
   * the fence, stages the feed's keys and deletes the target's rows with those keys (of the
   * run's customer), or marks them `_dif_deleted` when the target has `softDelete`.
   */
  deleteKeys(feed: TableConfig, target: TableConfig, parts: CsvPart[], audit?: LoadAudit, hooks?: LoadHooks): Promise<LoadResult>;
  /**
   * How many CSV parts a load should be a multiple of, for the preprocessor's part writer
   * (core/part-sets.ts): 1 where parts are staged one after another (Postgres), the
   * cluster's slice count where the warehouse loads them in parallel (Redshift). Asked once
   * per process.
   */
  partMultiple(): Promise<number>;
  /** The fencing check (adapters/warehouse/fencing.ts) in this warehouse's SQL, for `hooks.inTransaction`. */
  checkFence(session: SqlSession, table: string, token: number): Promise<void>;
  /** Creates the database when missing, where the warehouse allows it (development and tests). */
  prepare(): Promise<void>;
  endpoint(): WarehouseEndpoint;
  close(): Promise<void>;
}

/**
 * What a warehouse folder exports, listed once in registry.ts. Both warehouses today speak
 * the Postgres protocol and are a SqlWarehouse (whose pool tests and benches query); a
 * warehouse that does not would widen `create` to Warehouse.
 */
export interface WarehouseModule {
  create(settings: Settings): SqlWarehouse;
  /** Where it listens, from the settings alone (no connection). */
  endpoint(settings: Settings): WarehouseEndpoint;
}
