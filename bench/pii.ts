/**
 * pii: the cost of protecting personal columns in the preprocessor. The same 1,000,000
 * contact records go through the row mapper twice: with a table whose email, phone and
 * name columns are plain strings, and with the same columns declared pii (email and name
 * pseudonymised, HMAC-SHA-256 under a customer key; a second email column as the
 * platforms' SHA-256). The baseline is a plain loop doing only the irreducible work on the
 * same values (trim, lower-case, one HMAC or SHA-256 per cell, with node:crypto), so the
 * ratio says what DIF's normalisation and bookkeeping add to the hashing itself.
 *
 * `protect: "encrypt"` likewise: the same records with email, phone and name encrypted
 * (deterministic AES-256-GCM-SIV, runtime/pii/encryption.ts), against a plain loop of
 * the same library calls per cell (one HMAC-SHA-256 for the synthetic nonce, one
 * @noble/ciphers gcmsiv encrypt, base64url), under the same derived subkeys.
 * Size: DIF_BENCH_PII_RECORDS (1,000,000); the encrypt figure takes the first
 * DIF_BENCH_PII_ENCRYPT_RECORDS (100,000) of them: GCM-SIV in JavaScript costs several
 * HMACs per cell (it derives fresh AES keys for every nonce, by RFC 8452's design).
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { gcmsiv } from '@noble/ciphers/aes';
import { RowMapper, type InputRecord } from '../runtime/row-mapper';
import type { TableConfig } from '../core/config-schema';
import { figure, median, progress, type Figure } from './report';

const BENCH = 'pii';
const RECORDS = Number(process.env.DIF_BENCH_PII_RECORDS ?? 1_000_000);
const ENCRYPT_RECORDS = Math.min(RECORDS, Number(process.env.DIF_BENCH_PII_ENCRYPT_RECORDS ?? 100_000));
const BATCH = 1000;
const key = Buffer.alloc(32, 42);
const facts = { customer: 'bench', vendor: 'bench', stream: 'contacts', windowFrom: '2026-01-01', windowTo: '2026-01-01', runId: 'r', extractedAt: '2026-01-02T00:00:00.000Z' };

function contacts(): InputRecord[] {
  return Array.from({ length: RECORDS }, (_, i) => ({
    number: i + 1,
    record: { id: String(i), email: ` Person.${i}@Example.com `, phone: `+1 (212) 555-${String(i % 10_000).padStart(4, '0')}`, name: `Person  Number ${i}` },
  }));
}

type Mode = 'plain' | 'hashed' | 'encrypted';

function table(mode: Mode): TableConfig {
  if (mode === 'encrypted') {
    return {
      name: 'contacts',
      primaryKey: ['id'],
      columns: [
        { name: 'id', type: 'string' },
        { name: 'email', type: 'string', pii: { kind: 'email', protect: 'encrypt' } },
        { name: 'phone', type: 'string', pii: { kind: 'phone', protect: 'encrypt' } },
        { name: 'name', type: 'string', pii: { kind: 'name', protect: 'encrypt' } },
      ],
    };
  }
  const pii = mode === 'hashed';
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

function mapAll(records: InputRecord[], mode: Mode): number {
  const mapper = new RowMapper(table(mode), facts, {}, '$.bench', key, key);
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

// The subkeys DIF derives once per customer key (runtime/pii/encryption.ts), derived here alike.
const sealKey = new Uint8Array(hkdfSync('sha256', key, Buffer.alloc(0), 'dif pii encrypt v1: aes-256-gcm-siv key', 32));
const nonceKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'dif pii encrypt v1: synthetic nonce key', 32));

function encryptCell(kind: string, value: string): string {
  const plaintext = Buffer.from(value, 'utf8');
  const nonce = createHmac('sha256', nonceKey).update(`${kind}:`).update(plaintext).digest().subarray(0, 12);
  const sealed = gcmsiv(sealKey, nonce, Buffer.from(`dif-pii:v1:${kind}`)).encrypt(plaintext);
  return `enc:v1:${Buffer.concat([nonce, sealed]).toString('base64url')}`;
}

/** The same irreducible work for encrypt columns: normalise lightly, then one nonce HMAC and one GCM-SIV per cell. */
function plainEncryptedCells(record: Record<string, string>): string[] {
  return [
    record.id,
    encryptCell('email', record.email.trim().toLowerCase()),
    encryptCell('phone', `+${record.phone.replace(/\D/g, '')}`),
    encryptCell('name', record.name.trim().toLowerCase().replace(/\s+/g, ' ')),
  ];
}

function plainEncryptLoop(records: InputRecord[]): number {
  let rows = 0;
  for (const { record } of records) if (plainEncryptedCells(record as Record<string, string>).length === 4) rows++;
  return rows;
}

/** The baseline is only fair if it computes the same cells DIF does. */
function checkSameCells(records: InputRecord[], mode: Mode, plainOf: (record: Record<string, string>) => string[]): void {
  const mapper = new RowMapper(table(mode), facts, {}, '$.bench', key, key);
  const width = plainOf(records[0].record as Record<string, string>).length;
  const dif = mapper.map(records.slice(0, 3), undefined).rows.map((r) => r.slice(0, width));
  const plain = records.slice(0, 3).map((r) => plainOf(r.record as Record<string, string>));
  if (JSON.stringify(dif) !== JSON.stringify(plain)) throw new Error(`pii bench: the plain loop's cells differ from DIF's:\n${JSON.stringify({ dif, plain })}`);
}

function seconds(work: () => number, expected = RECORDS): number {
  const start = process.hrtime.bigint();
  const rows = work();
  if (rows !== expected) throw new Error(`pii bench: ${rows} rows, expected ${expected}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function runPii(): Promise<Figure[]> {
  const records = contacts();
  checkSameCells(records, 'hashed', plainCells);
  checkSameCells(records, 'encrypted', plainEncryptedCells);
  const encryptRecords = records.slice(0, ENCRYPT_RECORDS);
  const runs = { plain: [] as number[], protectedRows: [] as number[], unprotected: [] as number[], encrypted: [] as number[], plainEncrypt: [] as number[] };
  // Interleaved, three rounds each, medians: the machine's noise hits all of them alike.
  for (let round = 1; round <= 3; round++) {
    runs.unprotected.push(seconds(() => mapAll(records, 'plain')));
    runs.protectedRows.push(seconds(() => mapAll(records, 'hashed')));
    runs.plain.push(seconds(() => plainLoop(records)));
    runs.encrypted.push(seconds(() => mapAll(encryptRecords, 'encrypted'), ENCRYPT_RECORDS));
    runs.plainEncrypt.push(seconds(() => plainEncryptLoop(encryptRecords), ENCRYPT_RECORDS));
    progress(
      `pii: round ${round}: unprotected ${runs.unprotected.at(-1)!.toFixed(2)} s, protected ${runs.protectedRows.at(-1)!.toFixed(2)} s, ` +
        `plain loop ${runs.plain.at(-1)!.toFixed(2)} s, encrypted ${runs.encrypted.at(-1)!.toFixed(2)} s, plain encrypt loop ${runs.plainEncrypt.at(-1)!.toFixed(2)} s`,
    );
  }
  const perSecond = (s: number[], records = RECORDS) => records / median(s);
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
    figure({
      bench: BENCH,
      metric: 'records/s mapping 3 encrypted columns (deterministic AES-256-GCM-SIV) per record',
      unit: 'records/s',
      dif: perSecond(runs.encrypted, ENCRYPT_RECORDS),
      baseline: perSecond(runs.plainEncrypt, ENCRYPT_RECORDS),
      baselineName: 'plain loop: trim, lower-case, node:crypto HMAC nonce + @noble/ciphers gcmsiv per cell',
      higherIsBetter: true,
    }),
  ];
}
