/**
 * Maps decoded records to CSV rows for one table: reads path sources directly, evaluates
 * expression sources in the sandbox a batch at a time, fills metadata columns from the
 * run, explodes a nested array into rows, and checks every value with its column's type
 * and format. A bad value never fails the batch: its row comes back as a reject with the
 * reason, and the caller decides (with the table's reject policy) whether the run fails.
 *
 * No I/O; used by the toCsv activity (the sandbox means it is not for workflow code).
 */
import type { ColumnConfig, TableConfig } from '../core/config-schema';
import { ColumnValueError, columnSource, toCell } from '../core/columns';
import { moneyValue } from '../core/money';
import { explodeItems, explodePlan, type ExplodePlan } from '../core/explode';
import { ExpressionScope } from './expression/expression';
import { chainsUsedBy } from '../core/expression-syntax';
import { encryptedColumns, needsPiiKey } from '../core/pii-columns';
import { protectCell, type PiiKeys } from './pii/protect';
import { PiiCipher } from './pii/encryption';
import { parsePath, readPath } from '../core/source-path';
import { asJsonNumber, compileForHost, NOT_HERE, type HostExpression, type HostVariables } from './expression/expression-host';

/** What a run knows about itself, for metadata columns. */
export interface RunFacts {
  customer: string;
  vendor: string;
  stream: string;
  windowFrom: string;
  windowTo: string;
  runId: string;
  extractedAt: string;
  /** The run's partition id (a stream with `partitions`); empty otherwise. */
  partition?: string;
}

export interface InputRecord {
  record: unknown;
  /** Record number in its file (1-based), or the line number for row formats. */
  number: number;
}

export interface RejectedRow {
  number: number;
  reason: string;
  record: unknown;
}

export type Cell = string | null;

type Getter =
  | { kind: 'const'; value: Cell }
  | { kind: 'path'; root: 'record' | 'item' | 'parent'; keys: string[] }
  | { kind: 'expression'; index: number };

const PATH_ROOTS = ['record', 'item', 'parent'] as const;

const METADATA: Record<NonNullable<ColumnConfig['metadata']>, (f: RunFacts) => string> = {
  customer: (f) => f.customer,
  vendor: (f) => f.vendor,
  stream: (f) => f.stream,
  window_from: (f) => f.windowFrom,
  window_to: (f) => f.windowTo,
  run_id: (f) => f.runId,
  extracted_at: (f) => f.extractedAt,
  partition: (f) => f.partition ?? '',
};

type EvaluatedUnit = { cells: unknown[] } | { error: string };

/** A host value as the sandbox's mapPairs returns a cell (through JSON): objects as JSON text, NaN and undefined as null, -0 as 0. */
function asCell(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return asJsonNumber(value);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

export class RowMapper {
  private readonly columns: ColumnConfig[];
  private readonly getters: Getter[];
  /** Per column, where a money column reads its currency (core/money.ts); undefined for the others. */
  private readonly currencies: ({ root: 'record' | 'item' | 'parent'; keys: string[] } | undefined)[];
  private readonly expressions: string[] = [];
  private readonly explode?: ExplodePlan;
  /** Index in `expressions` of the table's `where`, when it has one: its value decides whether a record becomes a row. */
  private readonly whereIndex?: number;
  private readonly trailer: Cell[];
  private scope?: ExpressionScope;
  private chains?: Map<string, string[][] | 'whole'>;
  /** The columns' expressions compiled for the host (expression-host.ts) with the run's variables, or null when one of them cannot be. */
  private host?: { expressions: HostExpression[]; variables: HostVariables } | null;
  private readonly piiKeys: PiiKeys;

  constructor(
    table: TableConfig,
    facts: RunFacts,
    private readonly sandboxVariables: Record<string, unknown>,
    private readonly where: string,
    /** The customer's PII key, for pseudonym columns (core/pii-columns.ts). */
    piiKey?: Buffer,
    /** The customer's PII encryption key, for encrypt columns (only a clean room has it). */
    piiEncryptionKey?: Buffer,
  ) {
    if (needsPiiKey(table.columns) && !piiKey) throw new Error(`${where}: the table has pseudonym (pii) columns but no customer PII key was given`);
    if (encryptedColumns(table.columns).length && !piiEncryptionKey) throw new Error(`${where}: the table has encrypt (pii) columns but no customer PII encryption key was given`);
    this.piiKeys = { pseudonym: piiKey, cipher: piiEncryptionKey && new PiiCipher(piiEncryptionKey) };
    this.columns = table.columns;
    this.getters = table.columns.map((column) => {
      if (column.metadata) return { kind: 'const', value: METADATA[column.metadata](facts) };
      const path = parsePath(columnSource(column), PATH_ROOTS);
      if (path) return { kind: 'path', root: path.root as 'record' | 'item' | 'parent', keys: path.keys };
      this.expressions.push(columnSource(column));
      return { kind: 'expression', index: this.expressions.length - 1 };
    });
    this.currencies = table.columns.map((column) => {
      const path = column.money && parsePath(column.money.currency, PATH_ROOTS);
      return path ? { root: path.root as 'record' | 'item' | 'parent', keys: path.keys } : undefined;
    });
    this.explode = explodePlan(table.explode);
    // Evaluated with the columns' expressions, in the same batch (host first, then the sandbox).
    if (table.where) this.whereIndex = this.expressions.push(table.where) - 1;
    // The metadata every table carries, after the config's columns (see table-plan.ts).
    this.trailer = [facts.customer, facts.runId, facts.extractedAt];
  }

  /** Record fields that required path columns read: checked against a file's header or first record. */
  requiredFields(): { column: string; field: string; root: 'record' | 'item' }[] {
    const out: { column: string; field: string; root: 'record' | 'item' }[] = [];
    this.columns.forEach((column, i) => {
      const g = this.getters[i];
      if (column.required && g.kind === 'path' && g.root !== 'parent' && g.keys.length > 0) {
        out.push({ column: column.name, field: g.keys[0], root: g.root });
      }
    });
    return out;
  }

  /** The nested array a record explodes into, when the table explodes one. */
  itemsOf(record: unknown): unknown[] | undefined {
    return this.explode && explodeItems(record, this.explode);
  }

  map(batch: InputRecord[], parent: unknown, ancestors: unknown[] = []): { rows: Cell[][]; rejects: RejectedRow[] } {
    // Without explode a record is its own unit (its item undefined): no copy of the batch.
    let units: { record: unknown; item?: unknown; number: number }[] = batch;
    if (this.explode) {
      units = [];
      for (const { record, number } of batch) {
        const items = this.itemsOf(record);
        if (items === undefined) units.push({ record, item: undefined, number });
        else for (const item of items) units.push({ record, item, number });
      }
    }
    const computed = this.expressions.length ? this.evaluate(units, parent, ancestors) : undefined;
    const rows: Cell[][] = [];
    const rejects: RejectedRow[] = [];
    for (let u = 0; u < units.length; u++) {
      const unit = units[u];
      const evaluated = computed?.[u];
      if (evaluated && 'error' in evaluated) {
        rejects.push({ number: unit.number, reason: `${this.describeExpressionError(evaluated.error)}`, record: unit.record });
        continue;
      }
      if (this.whereIndex !== undefined && !evaluated!.cells[this.whereIndex]) continue; // not this table's record
      const row: Cell[] = new Array(this.columns.length + this.trailer.length);
      try {
        for (let c = 0; c < this.columns.length; c++) {
          const g = this.getters[c];
          let value: unknown;
          if (g.kind === 'const') value = g.value;
          else if (g.kind === 'expression') value = evaluated!.cells[g.index];
          else {
            value = readPath(g.root === 'record' ? unit.record : g.root === 'item' ? unit.item : parent, g.keys);
            if (value !== null && typeof value === 'object') value = JSON.stringify(value);
          }
          const column = this.columns[c];
          const currency = this.currencies[c];
          if (currency) {
            const code = readPath(currency.root === 'record' ? unit.record : currency.root === 'item' ? unit.item : parent, currency.keys);
            value = moneyValue(value, code, column.money!, column.name);
          }
          const cell = toCell(value, column);
          row[c] = column.pii && cell !== null ? protectCell(cell, column, column.pii, this.piiKeys) : cell;
        }
      } catch (e) {
        if (!(e instanceof ColumnValueError)) throw e;
        rejects.push({ number: unit.number, reason: e.message, record: unit.record });
        continue;
      }
      for (let t = 0; t < this.trailer.length; t++) row[this.columns.length + t] = this.trailer[t];
      rows.push(row);
    }
    return { rows, rejects };
  }

  /**
   * Each unit's computed cells. The host evaluates what it can answer exactly (every column
   * of the table in its subset, expression-host.ts); the units it cannot answer, and all of
   * them when a column is outside the subset, go to the sandbox in one call.
   */
  private evaluate(units: { record: unknown; item?: unknown }[], parent: unknown, ancestors: unknown[]): EvaluatedUnit[] {
    const host = this.hostCompiled();
    if (!host) return this.evaluateInSandbox(units, parent, ancestors);
    const { expressions } = host;
    const variables: HostVariables = { ...host.variables, parent: parent ?? null, ancestors };
    const out: EvaluatedUnit[] = new Array(units.length);
    const left: number[] = [];
    for (let u = 0; u < units.length; u++) {
      variables.record = units[u].record;
      variables.item = units[u].item ?? null;
      const cells = new Array<unknown>(expressions.length);
      let answered = true;
      for (let c = 0; c < expressions.length && answered; c++) {
        const value = expressions[c](variables);
        if (value === NOT_HERE) answered = false;
        else cells[c] = asCell(value);
      }
      if (answered) out[u] = { cells };
      else left.push(u);
    }
    if (left.length) {
      const fromSandbox = this.evaluateInSandbox(left.map((u) => units[u]), parent, ancestors);
      left.forEach((u, i) => (out[u] = fromSandbox[i]));
    }
    return out;
  }

  private hostCompiled(): { expressions: HostExpression[]; variables: HostVariables } | null {
    if (this.host === undefined) {
      // The sandbox sees the run's variables as JSON; so does the host (plain data, no prototypes of ours).
      const variables = JSON.parse(JSON.stringify(this.sandboxVariables)) as HostVariables;
      const names = [...Object.keys(variables), 'record', 'item', 'parent', 'ancestors'];
      const compiled = this.expressions.map((e) => compileForHost(e, names));
      this.host = compiled.every((c) => c !== undefined) ? { expressions: compiled as HostExpression[], variables } : null;
    }
    return this.host;
  }

  private evaluateInSandbox(units: { record: unknown; item?: unknown }[], parent: unknown, ancestors: unknown[]): EvaluatedUnit[] {
    if (!this.scope) this.scope = new ExpressionScope(this.sandboxVariables);
    // Records enter the sandbox as JSON text (see expression/expression.ts: no host objects inside).
    // Only the parts of each record the expressions can read cross into the engine.
    this.chains ??= chainsUsedBy(this.expressions, ['record', 'item']);
    const recordChains = this.chains.get('record');
    const itemChains = this.chains.get('item');
    const pairs = JSON.stringify(units.map((u) => [projection(u.record, recordChains), projection(u.item ?? null, itemChains)]));
    return this.scope.mapPairsJson(pairs, JSON.stringify(parent ?? null), JSON.stringify(ancestors), this.expressions, this.where);
  }

  /** Frees the expression engine of this mapper, if it made one. */
  dispose(): void {
    this.scope?.dispose();
    this.scope = undefined;
  }

  private describeExpressionError(error: string): string {
    const m = /^column (\d+): ([\s\S]*)$/.exec(error);
    if (!m) return error;
    const index = Number(m[1]);
    if (index === this.whereIndex) return `table.where: expression ${JSON.stringify(this.expressions[index])} failed: ${m[2]}`;
    const column = this.columns[this.getters.findIndex((g) => g.kind === 'expression' && g.index === index)];
    return `column "${column?.name}": expression ${JSON.stringify(this.expressions[index])} failed: ${m[2]}`;
  }
}

/**
 * The parts of a JSON value that member chains reach, sharing (not copying) each part: the
 * value itself when a chain wants it whole or it is not a plain object (arrays, strings…).
 * Only own properties are followed; an absent one is left absent, as in the value itself.
 */
export function projection(value: unknown, chains: string[][] | 'whole' | undefined): unknown {
  if (chains === undefined) return null; // not read at all
  if (chains === 'whole' || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  // Null prototypes: a key named "__proto__" in the data stays a plain key here too.
  const out: Record<string, unknown> = Object.create(null);
  for (const chain of [...chains].sort((a, b) => a.length - b.length)) {
    let from = value as Record<string, unknown>;
    let to = out;
    for (let k = 0; k < chain.length; k++) {
      const key = chain[k];
      if (!Object.prototype.hasOwnProperty.call(from, key)) break;
      const next = from[key];
      if (to[key] === next) break; // already taken whole by a shorter chain
      if (k === chain.length - 1 || next === null || typeof next !== 'object' || Array.isArray(next)) {
        to[key] = next;
        break;
      }
      if (!Object.prototype.hasOwnProperty.call(to, key)) to[key] = Object.create(null);
      from = next as Record<string, unknown>;
      to = to[key] as Record<string, unknown>;
    }
  }
  return out;
}
