/**
 * Every `dif` command's failure modes, run through the built CLI (dist/cli/dif.js, built by
 * jest's global setup) as a script would: the exit code is the README's (0 ok · 1 a run
 * failed · 2 bad usage, input or config · 3 a service is down or not set up) and the message
 * says what is wrong and how to fix it. Secrets piped in never come back out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import mysql from 'mysql2/promise';
import { projectRoot } from '../../adapters/settings';
import { databaseOf } from '../../adapters/mysql/pool';
import { TEST_MYSQL_URL, TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const CLI = path.join(projectRoot(), 'dist', 'cli', 'dif.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-cli-exit-'));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `dif <args>` in its own process, pointed at the test databases unless `env` says otherwise. */
function dif(args: string[], options: { env?: Record<string, string>; stdin?: string | Buffer } = {}): Promise<Result> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DIF_'))) as Record<string, string>;
  const env = {
    ...base,
    DIF_MYSQL_URL: TEST_MYSQL_URL,
    DIF_POSTGRES_URL: TEST_POSTGRES_URL,
    DIF_KMS: 'local',
    DIF_LOCAL_KEYRING: path.join(scratch, 'keyring.json'),
    DIF_OBJECT_STORE_DIR: path.join(scratch, 'objects'),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the CLI may stop reading early (an oversized secret)
    child.stdin.end(options.stdin ?? '');
  });
}

const DOWN = '127.0.0.1:1'; // a port nothing listens on: refused at once

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: jest's global setup builds it (or npm run build)`);
});

describe('exit 2: bad usage or input, refused before anything starts', () => {
  test.each([
    ['a missing required option', ['run', 'demo-ads', '--from', '2026-01-01', '--to', '2026-01-02'], /error: required option '--customer <id>' not specified/],
    ['an unknown option', ['list', '--colour', 'red'], /error: unknown option '--colour'/],
    ['an unknown command', ['launch'], /error: unknown command 'launch'/],
    ['no command at all', [], /Usage: dif \[options\] \[command\]/],
    ['--inputs that is not JSON', ['customers', 'set-vendor', 'acme', 'demo-ads', '--inputs', '{account_id:'], /option '--inputs <json>' argument '\{account_id:' is invalid\. expected a JSON object/],
    ['--inputs that is a JSON array', ['customers', 'set-vendor', 'acme', 'demo-ads', '--inputs', '[1]'], /expected a JSON object \(not an object\)/],
    ['clean-room inherit without --vendor', ['customers', 'clean-room', 'acme', 'inherit'], /inherit applies to one vendor: add --vendor/],
    ['validate of a missing path', ['validate', '/nonexistent/vendors'], /^dif: no such file or folder: \/nonexistent\/vendors$/m],
    ['an unknown vendor', ['run', 'no-such-vendor', '--customer', 'acme', '--from', '2026-01-01', '--to', '2026-01-02'], /no-such-vendor/],
    ['a bad date', ['run', 'demo-ads', '--customer', 'acme', '--from', '2026-02-30', '--to', '2026-03-01'], /must be a date as YYYY-MM-DD, got "2026-02-30"/],
    [
      'dif run over ten years of 31-day windows',
      ['run', 'meta-ads', '--customer', 'acme', '--from', '2016-01-01', '--to', '2025-12-31'],
      /^dif: 2016-01-01\.\.2025-12-31 makes 236 workflows \(118 windows of at most 31 days × 2 streams\), more than dif run starts at once \(--max-windows 12\); run them a few at a time with: dif backfill meta-ads --customer acme --from 2016-01-01 --to 2025-12-31 --parallel 4$/m,
    ],
    ['dif run over all of time', ['run', 'meta-ads', '--customer', 'acme', '--from', '1000-01-01', '--to', '9999-12-31', '--max-windows', '100'], /makes 212078 workflows .*--max-windows 100/],
    ['--max-windows past its ceiling', ['run', 'meta-ads', '--customer', 'acme', '--from', '2026-01-01', '--to', '2026-01-02', '--max-windows', '1000'], /--max-windows must be a whole number from 1 to 100, got "1000"/],
    ['backfill --parallel 1000', ['backfill', 'demo-ads', '--customer', 'acme', '--from', '2026-01-01', '--to', '2026-01-31', '--parallel', '1000'], /--parallel must be a whole number from 1 to 50, got "1000"/],
    ['backfill --parallel 0', ['backfill', 'demo-ads', '--customer', 'acme', '--from', '2026-01-01', '--to', '2026-01-31', '--parallel', '0'], /--parallel must be a whole number from 1 to 50, got "0"/],
    ['retry --parallel 2.5', ['retry', 'backfill/x', '--parallel', '2.5'], /--parallel must be a whole number from 1 to 50, got "2\.5"/],
    ['list --limit abc', ['list', '--limit', 'abc'], /--limit must be a whole number from 1 to 10000, got "abc"/],
    ['list --status that is not one', ['list', '--status', 'sleeping'], /--status must be one of running, completed/],
    ['schedule create --hour 25', ['schedule', 'create', 'demo-ads', '--customer', 'acme', '--hour', '25'], /^dif: --hour must be 0\.\.23 \(UTC\), got 25$/m],
  ])('%s', async (_name, args, message) => {
    const r = await dif(args);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });

  test('an empty credential', async () => {
    const r = await dif(['credentials', 'set', 'demo-ads', 'api_key', '--customer', 'acme'], { stdin: '\n' });
    expect(r.stderr).toBe('dif: credential "api_key" for customer acme and vendor demo-ads must not be empty: pipe it on standard input or type it at the prompt\n');
    expect(r.code).toBe(2);
  });

  test('a 3 MB secret is refused by its size, before MySQL, and never echoed', async () => {
    const secret = `sk_live_${'x'.repeat(3 * 1024 * 1024)}`;
    // MySQL pointed at a closed port: the refusal must come first, so this cannot exit 3.
    const r = await dif(['credentials', 'set', 'demo-ads', 'api_key', '--customer', 'acme'], { stdin: secret, env: { DIF_MYSQL_URL: `mysql://root@${DOWN}/dif` } });
    expect(r.stderr).toBe('dif: the secret on standard input is longer than 8164 bytes, the most a credential holds; nothing was stored\n');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('sk_live_');
  });

  test('a secret one byte over the limit is refused by the store, naming the limit; one at the limit is stored', async () => {
    const customer = uniqueName('big');
    const over = await dif(['credentials', 'set', 'demo-ads', 'api_key', '--customer', customer], { stdin: `sk_${'y'.repeat(8165 - 3)}` });
    expect(over.stderr).toBe(`dif: credential "api_key" for customer ${customer} and vendor demo-ads is 8165 bytes; a credential holds at most 8164 bytes (UTF-8)\n`);
    expect(over.code).toBe(2);
    const at = await dif(['credentials', 'set', 'demo-ads', 'api_key', '--customer', customer, '--json'], { stdin: `sk_${'y'.repeat(8164 - 3)}\n` });
    expect(at.stderr).toBe('');
    expect(JSON.parse(at.stdout)).toEqual({ customer, vendor: 'demo-ads', name: 'api_key', stored: true });
    expect(at.code).toBe(0);
  });

  test('dif run for a customer without the vendor starts nothing', async () => {
    const customer = uniqueName('nobody');
    const r = await dif(['run', 'demo-ads', '--customer', customer, '--from', '2026-01-01', '--to', '2026-01-02']);
    expect(r.stderr).toMatch(new RegExp(`^dif: customer "${customer}" is not set up for vendor "demo-ads" in MySQL; add it with: dif customers add ${customer} --name …, then dif customers set-vendor ${customer} demo-ads`, 'm'));
    expect(r.code).toBe(2);
    // No workflow was started for the window: Temporal does not know its id.
    const status = await dif(['status', `demo-ads/${customer}/campaign_stats/2026-01-01..2026-01-02`]);
    expect(status.stderr).toMatch(/workflow not found/i);
    expect(status.code).toBe(2);
  });

  test('backfill for a customer without the vendor', async () => {
    const customer = uniqueName('nobody');
    const r = await dif(['backfill', 'demo-ads', '--customer', customer, '--from', '2026-01-01', '--to', '2026-01-31']);
    expect(r.stderr).toMatch(`customer "${customer}" is not set up for vendor "demo-ads"`);
    expect(r.code).toBe(2);
  });

  test('customers: a vendor or clean-room mark for a customer that does not exist', async () => {
    const customer = uniqueName('nobody');
    const vendor = await dif(['customers', 'set-vendor', customer, 'demo-ads', '--inputs', '{"account_id":"a"}']);
    expect(vendor.stderr).toBe(`dif: no customer "${customer}"; add it first with: dif customers add ${customer} --name …\n`);
    expect(vendor.code).toBe(2);
    const mark = await dif(['customers', 'clean-room', customer, 'on']);
    expect(mark.stderr).toBe(`dif: no customer "${customer}"; add it with: dif customers add\n`);
    expect(mark.code).toBe(2);
  });

  test('credentials rotate --new-master-key with AWS KMS', async () => {
    const r = await dif(['credentials', 'rotate', '--new-master-key'], { env: { DIF_KMS: 'aws', DIF_KMS_ENDPOINT: `http://${DOWN}` } });
    // (The AWS SDK may add a warning about Node's version on stderr.)
    expect(r.stderr).toMatch(/^dif: --new-master-key applies to the local keyring only \(DIF_KMS=local\)$/m);
    expect(r.code).toBe(2);
  });

  test('status, cancel and schedule pause of ids that name nothing', async () => {
    for (const args of [['status', 'no/such/run'], ['cancel', 'no/such/run']]) {
      const r = await dif(args);
      expect(r.stderr).toMatch(/workflow not found for ID: no\/such\/run/);
      expect(r.code).toBe(2);
    }
    const customer = uniqueName('nosched');
    const r = await dif(['schedule', 'pause', 'demo-ads', '--customer', customer]);
    expect(r.stderr).toBe(`dif: no schedule dif/demo-ads/${customer} (dif schedule list shows them)\n`);
    expect(r.code).toBe(2);
  });
});

describe('exit 3: a service is down or not set up, named with the command that fixes it', () => {
  const mysqlDown = { DIF_MYSQL_URL: `mysql://root@${DOWN}/dif` };
  test.each([
    ['customers add', ['customers', 'add', 'acme', '--name', 'Acme'], mysqlDown, 'mysql is not reachable at 127.0.0.1:1; start it with: npm run services -- up mysql'],
    ['credentials list', ['credentials', 'list'], mysqlDown, 'mysql is not reachable at 127.0.0.1:1; start it with: npm run services -- up mysql'],
    ['db migrate, MySQL down', ['db', 'migrate'], mysqlDown, 'mysql is not reachable at 127.0.0.1:1; start it with: npm run services -- up mysql'],
    ['db migrate, Postgres down', ['db', 'migrate'], { DIF_POSTGRES_URL: `postgres://postgres@${DOWN}/dif` }, 'postgres is not reachable at 127.0.0.1:1; start it with: npm run services -- up postgres'],
    ['backfill', ['backfill', 'demo-ads', '--customer', 'acme', '--from', '2026-01-01', '--to', '2026-01-31'], mysqlDown, 'mysql is not reachable at 127.0.0.1:1; start it with: npm run services -- up mysql'],
    ['run, Temporal down', ['run', 'demo-ads', '--customer', 'acme', '--from', '2026-01-01', '--to', '2026-01-02'], { DIF_TEMPORAL_ADDRESS: DOWN }, 'temporal is not reachable at 127.0.0.1:1; start it with: npm run services -- up temporal'],
    ['list, Temporal down', ['list'], { DIF_TEMPORAL_ADDRESS: DOWN }, 'temporal is not reachable at 127.0.0.1:1; start it with: npm run services -- up temporal'],
    ['locks, Redis down', ['locks'], { DIF_REDIS_URL: `redis://${DOWN}/0` }, 'redis is not reachable at 127.0.0.1:1; start it with: npm run services -- up redis'],
  ])('%s', async (_name, args, env, message) => {
    const r = await dif(args, { env });
    expect(r.stderr).toBe(`dif: ${message}\n`);
    expect(r.code).toBe(3);
  });

  test('credentials set, MySQL down: the secret is not echoed', async () => {
    const r = await dif(['credentials', 'set', 'demo-ads', 'api_key', '--customer', 'acme'], { env: mysqlDown, stdin: 'sk_live_never_shown' });
    expect(r.stderr).toBe('dif: mysql is not reachable at 127.0.0.1:1; start it with: npm run services -- up mysql\n');
    expect(r.stdout + r.stderr).not.toContain('sk_live_never_shown');
    expect(r.code).toBe(3);
  });

  test('a MySQL database that does not exist: dif db migrate creates it', async () => {
    const url = `mysql://root@127.0.0.1:3306/dif_nope_${Date.now().toString(36)}`;
    const r = await dif(['credentials', 'list'], { env: { DIF_MYSQL_URL: url } });
    expect(r.stderr).toBe(`dif: MySQL database "${databaseOf(url)}" does not exist at 127.0.0.1:3306 (DIF_MYSQL_URL); create it with: dif db migrate\n`);
    expect(r.code).toBe(3);
  });

  test('a MySQL database never migrated: dif db migrate', async () => {
    const name = `dif_empty_${Date.now().toString(36)}`;
    const admin = await mysql.createConnection({ uri: TEST_MYSQL_URL.replace(/\/[^/]*$/, '/') });
    try {
      await admin.query(`CREATE DATABASE \`${name}\``);
      const r = await dif(['customers', 'add', 'acme', '--name', 'Acme'], { env: { DIF_MYSQL_URL: `mysql://root@127.0.0.1:3306/${name}` } });
      expect(r.stderr).toBe(`dif: MySQL database "${name}" at 127.0.0.1:3306 is not migrated (Table '${name}.customers' doesn't exist); run: dif db migrate\n`);
      expect(r.code).toBe(3);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    }
  });
});

test('exit 1: credentials rotate with a secret that does not decrypt reports it by name, no value', async () => {
  const customer = uniqueName('rot');
  const stored = await dif(['credentials', 'set', 'demo-ads', 'api_key', '--customer', customer], { stdin: 'sk_live_rotate_me' });
  expect(stored.code).toBe(0);
  // Another keyring has none of the master keys the secret was wrapped with.
  const r = await dif(['credentials', 'rotate', '--customer', customer], { env: { DIF_LOCAL_KEYRING: path.join(scratch, 'other-keyring.json') } });
  expect(r.stdout).toMatch(new RegExp(`rotated 0 secret\\(s\\) to local-\\S+; 0 changed meanwhile; 1 failed\\n  failed: ${customer}/demo-ads/api_key: local keyring \\S+other-keyring\\.json has no master key "local-`));
  expect(r.stdout + r.stderr).not.toContain('sk_live_rotate_me');
  expect(r.code).toBe(1);
});

test('exit 0: --help of a command', async () => {
  const r = await dif(['run', '--help']);
  expect(r.stdout).toMatch(/--max-windows <n>/);
  expect(r.code).toBe(0);
});

describe('dif state: bad input exits 2 with one line naming the mistake, no stack trace, nothing written', () => {
  test.each([
    ['an unknown vendor', ['state', 'show', 'no-such-vendor', '--customer', 'acme'], /^dif: unknown vendor "no-such-vendor": no .*config\.json; known vendors: .*hubspot/],
    ['an unknown stream', ['state', 'show', 'hubspot', '--customer', 'acme', '--stream', 'tickets'], /^dif: vendor "hubspot" has no stream "tickets"; streams: contacts, deals, contacts_all_properties$/],
    ['a stream that is not incremental', ['state', 'reset', 'salesforce', '--customer', 'acme', '--stream', 'opportunities_bulk'], /^dif: stream "opportunities_bulk" of vendor "salesforce" is not incremental \(no `incremental` block\), so it has no cursor; incremental streams: opportunities$/],
    ['a vendor without incremental streams', ['state', 'show', 'demo-ads', '--customer', 'acme'], /^dif: vendor "demo-ads" has no incremental stream/],
    ['set without --stream', ['state', 'set', 'hubspot', '--customer', 'acme', '--cursor', '2026-11-30T08:15:00Z'], /error: required option '--stream <name>' not specified/],
    ['a cursor that is no timestamp', ['state', 'set', 'hubspot', '--customer', 'acme', '--stream', 'contacts', '--cursor', 'yesterday'], /^dif: --cursor must be an ISO 8601 timestamp such as 2026-11-30T08:15:00Z, got "yesterday"$/],
    ['a customer id that is no name', ['state', 'show', 'hubspot', '--customer', 'acme; DROP TABLE x'], /^dif: customer "acme; DROP TABLE x" may only hold letters, digits/],
  ])('%s', async (_name, args, message) => {
    const r = await dif(args);
    expect(r.stderr.trim().split('\n')[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
  });
});
