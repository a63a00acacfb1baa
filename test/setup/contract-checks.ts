/**
 * The checks of a contract run (test/setup/contract-table.ts): values against matchers, the
 * customer's rows in the warehouse, the requests the mock recorded. Each failure is handed to
 * `fail` with what differed. TEST CODE ONLY.
 */
import type mysql from 'mysql2/promise';
import type { FixtureRequest } from '../mock-vendor/fixture-server';
import type { ColumnsCheck, CredentialCheck, RequestMatch, RequestsCheck, RowsCheck } from './contract-table';
import { mismatch, requestMismatch } from './contract-match';
import type { VendorContract } from './vendor-contract';

export type Fail = (check: string, what: string) => never;

export function check(fail: Fail, name: string, actual: unknown, expected: unknown): void {
  if (expected === undefined) return;
  const m = mismatch(actual, expected, name.replace(/^expect\./, ''));
  if (m) fail(name, m);
}

export async function checkRows(c: VendorContract, customer: string, spec: RowsCheck, fail: (what: string) => never): Promise<void> {
  const columns = spec.columns ?? ['*'];
  const conditions = [...(spec.everyCustomer ? [] : ['_dif_customer = $1']), ...(spec.where ? [`(${spec.where})`] : [])];
  const sql = `SELECT ${columns.join(', ')} FROM dif_test.${spec.table}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}${spec.orderBy ? ` ORDER BY ${spec.orderBy}` : ''}`;
  const { rows } = await c.h.runtime.postgres.query({ text: sql, values: spec.everyCustomer ? [] : [customer], rowMode: 'array' });
  const plain = (rows as unknown[][]).map((row) => row.map((v) => (v instanceof Date ? v.toISOString() : v)));
  if (spec.count !== undefined && plain.length !== spec.count) fail(`expected ${spec.count} row(s) in ${spec.table}, got ${plain.length}`);
  if (spec.equals) {
    const m = mismatch(plain, spec.equals, spec.table);
    if (m) fail(`${m}\n  (${columns.join(', ')}) rows: ${JSON.stringify(plain.slice(0, 10))}`);
  }
}

/** The table's columns and their Postgres types, matched in part. */
export async function checkColumns(c: VendorContract, spec: ColumnsCheck, fail: (what: string) => never): Promise<void> {
  const { rows } = await c.h.runtime.postgres.query('SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', ['dif_test', spec.table]);
  if (rows.length === 0) fail(`no table dif_test.${spec.table}`);
  const types = Object.fromEntries(rows.map((r: { column_name: string; data_type: string }) => [r.column_name, r.data_type]));
  const m = mismatch(types, spec.types, spec.table);
  if (m) fail(m);
}

/** A stored credential compared after decrypting; a failure says only that it differs, never either value. */
export async function checkCredential(c: VendorContract, vendor: string, customer: string, spec: CredentialCheck, fail: (what: string) => never): Promise<void> {
  const kept = await c.h.runtime.deps.credentials.reveal({ customerId: customer, vendor, name: spec.name }, { notSecret: true }).catch(() => undefined);
  if (kept === undefined) fail(`no credential ${spec.name} stored for the customer`);
  if (kept !== spec.equals) fail(`the stored ${spec.name} (${kept!.length} characters) is not the expected value (${spec.equals.length} characters)`);
  // Kept encrypted: the row holds no plain copy of it.
  const [rows] = await c.h.runtime.mysql.query<mysql.RowDataPacket[]>('SELECT ciphertext FROM credentials WHERE customer_id = ? AND vendor = ? AND name = ?', [customer, vendor, spec.name]);
  if (Buffer.from(rows[0].ciphertext as Buffer | string).includes(spec.equals)) fail(`the stored ${spec.name} is in the credentials table as plain text`);
}

/** Checks the run's requests; returns the values at `notStored` paths, credentials to scan for. */
export function checkRequests(sent: FixtureRequest[], spec: RequestsCheck, fail: (what: string) => never): string[] {
  const pattern = spec.pathPattern !== undefined ? new RegExp(spec.pathPattern) : undefined;
  const mine = sent.filter(
    (r) =>
      (spec.method === undefined || r.method === spec.method) &&
      (spec.path === undefined || r.path === spec.path) &&
      (pattern === undefined || pattern.test(r.path)) &&
      (spec.where === undefined || !requestMismatch(r, spec.where)),
  );
  const label = `${spec.method ?? ''} ${spec.path ?? spec.pathPattern ?? '(any path)'}`.trim();
  const howMany = (n: number) => `expected ${n} request(s) to ${label}, got ${mine.length}: ${mine.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`).join('; ')}`;
  if (spec.count !== undefined && mine.length !== spec.count) fail(howMany(spec.count));
  if (spec.atLeast !== undefined && mine.length < spec.atLeast) fail(`expected at least ${spec.atLeast} request(s) to ${label}, got ${mine.length}`);
  if (spec.atMost !== undefined && mine.length > spec.atMost) fail(`expected at most ${spec.atMost} request(s) to ${label}, got ${mine.length}`);
  if (spec.each) {
    for (const [i, r] of mine.entries()) {
      const m = requestMismatch(r, spec.each);
      if (m) fail(`request ${i} to ${label}: ${m}`);
    }
  }
  if (spec.items) {
    if (mine.length !== spec.items.length) fail(howMany(spec.items.length));
    for (const [i, item] of spec.items.entries()) {
      const m = requestMismatch(mine[i], item as RequestMatch);
      if (m) fail(`request ${i} to ${label}: ${m}`);
    }
  }
  for (const gap of spec.gaps ?? []) {
    if (!mine[gap.from] || !mine[gap.to]) fail(`gap ${gap.from}→${gap.to}: only ${mine.length} request(s) to ${label}`);
    const ms = mine[gap.to].at - mine[gap.from].at;
    if ((gap.atLeastMs !== undefined && ms < gap.atLeastMs) || (gap.lessThanMs !== undefined && ms >= gap.lessThanMs)) {
      fail(`gap ${gap.from}→${gap.to}: ${ms} ms, expected ${gap.atLeastMs ?? 0} ≤ ms${gap.lessThanMs !== undefined ? ` < ${gap.lessThanMs}` : ''}`);
    }
  }
  const values = (spec.notStored ?? []).flatMap((at) => mine.map((r) => at.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], r)));
  if (values.some((v) => typeof v !== 'string' || v.length < 8)) fail(`notStored: ${JSON.stringify(spec.notStored)} must name a credential (a string of 8 characters or more) in every request`);
  return values as string[];
}
