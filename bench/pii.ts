/**
 * pii: the cost of protecting personal columns in the preprocessor. The same 1,000,000
 * contact records go through the row mapper twice: with a table whose email, phone and
 * name columns are plain strings, and with the same columns declared pii (email and name
 * pseudonymised, HMAC-SHA-256 under a customer key; a second email column as the
 * platforms' SHA-256). The baseline is a plain loop doing only the irreducible work on the
 * same values (trim, lower-case, one HMAC or SHA-256 per cell, with node:crypto), so the
 * ratio says what DIF's normalisation and bookkeeping add to the hashing itself.
 * Size: DIF_BENCH_PII_RECORDS (1,000,000).
 */
import { createHash, createHmac } from 'node:crypto';
import { RowMapper, type InputRecord } from '../interpreter/row-mapper';
import type { TableConfig } from '../interpreter/config-schema';
import { figure, median, progress, type Figure } from './report';

const BENCH = 'pii';
const RECORDS = Number(process.env.DIF_BENCH_PII_RECORDS ?? 1_000_000);
const BATCH = 1000;
const key = Buffer.alloc(32, 42);
const facts = { customer: 'bench', vendor: 'bench', stream: 'contacts', windowFrom: '2026-01-01', windowTo: '2026-01-01', runId: 'r', extractedAt: '2026-01-02T00:00:00.000Z' };

function contacts(): InputRecord[] {
  return Array.from({ length: RECORDS }, (_, i) => ({
    number: i + 1,
    record: { id: String(i), email: ` Person.${i}@Example.com `, phone: `+1 (212) 555-${String(i % 10_000).padStart(4, '0')}`, name: `Person  Number ${i}` },
  }));
}

function table(pii: boolean): TableConfig {
  return {
    name: 'contacts',
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'string' },
      { name: 'email', type: 'string', ...(pii ? { pii: { kind: 'email' } } : {}) },
      { name: 'email_sha256', type: 'string', source: 'record.email', ...(pii ? { pii: { kind: 'email', protect: 'sha256' } } : {}) },
      { name: 'phone', type: 'string', ...(pii ? { pii: { kind: 'phone' } } : {}) },
      { name: 'name', type: 'string', ...(pii ? { pii: { kind: 'name' } } : {}) },
    ],
  };
}

function mapAll(records: InputRecord[], pii: boolean): number {
  const mapper = new RowMapper(table(pii), facts, {}, '$.bench', key);
  let rows = 0;
  for (let i = 0; i < records.length; i += BATCH) rows += mapper.map(records.slice(i, i + BATCH), undefined).rows.length;
  return rows;
}

/** The work any implementation must do: normalise lightly and hash each personal cell once. */
function plainCells(record: Record<string, string>): string[] {
  const email = record.email.trim().toLowerCase();
  return [
    record.id,
    createHmac('sha256', key).update(`email:${email}`).digest('hex'),
    createHash('sha256').update(email).digest('hex'),
    createHmac('sha256', key).update(`phone:+${record.phone.replace(/\D/g, '')}`).digest('hex'),
    createHmac('sha256', key).update(`name:${record.name.trim().toLowerCase().replace(/\s+/g, ' ')}`).digest('hex'),
  ];
}

function plainLoop(records: InputRecord[]): number {
  let rows = 0;
  for (const { record } of records) if (plainCells(record as Record<string, string>).length === 5) rows++;
  return rows;
}

/** The baseline is only fair if it computes the same cells DIF does. */
function checkSameCells(records: InputRecord[]): void {
  const mapper = new RowMapper(table(true), facts, {}, '$.bench', key);
  const dif = mapper.map(records.slice(0, 3), undefined).rows.map((r) => r.slice(0, 5));
  const plain = records.slice(0, 3).map((r) => plainCells(r.record as Record<string, string>));
  if (JSON.stringify(dif) !== JSON.stringify(plain)) throw new Error(`pii bench: the plain loop's cells differ from DIF's:\n${JSON.stringify({ dif, plain })}`);
}

function seconds(work: () => number): number {
  const start = process.hrtime.bigint();
  const rows = work();
  if (rows !== RECORDS) throw new Error(`pii bench: ${rows} rows, expected ${RECORDS}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function runPii(): Promise<Figure[]> {
  const records = contacts();
  checkSameCells(records);
  const runs = { plain: [] as number[], protectedRows: [] as number[], unprotected: [] as number[] };
  // Interleaved, three rounds each, medians: the machine's noise hits all three alike.
  for (let round = 1; round <= 3; round++) {
    runs.unprotected.push(seconds(() => mapAll(records, false)));
    runs.protectedRows.push(seconds(() => mapAll(records, true)));
    runs.plain.push(seconds(() => plainLoop(records)));
    progress(`pii: round ${round}: unprotected ${runs.unprotected.at(-1)!.toFixed(2)} s, protected ${runs.protectedRows.at(-1)!.toFixed(2)} s, plain loop ${runs.plain.at(-1)!.toFixed(2)} s`);
  }
  const perSecond = (s: number[]) => RECORDS / median(s);
  return [
    figure({
      bench: BENCH,
      metric: 'records/s mapping 4 protected columns (3 HMAC, 1 SHA-256) per record',
      unit: 'records/s',
      dif: perSecond(runs.protectedRows),
      baseline: perSecond(runs.plain),
      baselineName: 'plain loop: trim, lower-case, node:crypto HMAC/SHA-256 per cell',
      higherIsBetter: true,
    }),
    figure({
      bench: BENCH,
      metric: 'records/s with the same columns declared pii, against undeclared',
      unit: 'records/s',
      dif: perSecond(runs.protectedRows),
      baseline: perSecond(runs.unprotected),
      baselineName: 'DIF row mapper, same table without pii declarations',
      higherIsBetter: true,
    }),
  ];
}
