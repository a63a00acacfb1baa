/**
 * Files steps end to end against real servers on loopback (scripts/file-servers.sh): a
 * bucket drop on the local S3 server and an SFTP folder on OpenSSH, each through the real
 * Temporal server into Postgres. Re-runs take nothing twice, a re-sent file with new
 * content replaces its rows, a missing file fails the window by name, and bad credentials,
 * an unreachable host or a file that is not what its name says fail clearly without
 * losing what was loaded.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type mysql from 'mysql2/promise';
import { fileServers, gzipCsv, s3Drop, userFolder, type FileServers } from '../setup/file-drops';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';
import { uniqueName } from '../setup/test-settings';

let h: ZooHarness;
let servers: FileServers;
beforeAll(async () => {
  servers = fileServers();
  h = await startZooHarness('file-sources');
});
afterAll(() => h?.shutdown());

async function rows(table: string, customer: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const { rows } = await h.runtime.postgres.query(`SELECT * FROM dif_test.${table} WHERE _dif_customer = $1 ORDER BY ${orderBy}`, [customer]);
  return rows;
}

async function manifest(customer: string): Promise<mysql.RowDataPacket[]> {
  const [found] = await h.runtime.mysql.query<mysql.RowDataPacket[]>('SELECT * FROM file_manifest WHERE customer_id = ? ORDER BY id', [customer]);
  return found;
}

/** Objects a run downloaded into its raw prefix (besides its page-set list and the run's list of those). */
async function downloadedBy(vendor: string, customer: string, runId: string): Promise<string[]> {
  const keys = await h.runtime.deps.objectStore.list(`raw/${vendor}/${customer}/`);
  return keys.filter((k) => k.includes(`/${runId}/`) && !k.endsWith('pagesets.json') && !k.endsWith('/raw-lists.json'));
}

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

describe('bucket drop (S3, another account)', () => {
  const bucket = uniqueName('drop').toLowerCase();
  let drop: Awaited<ReturnType<typeof s3Drop>>;
  beforeAll(async () => {
    drop = await s3Drop(bucket);
  });
  afterAll(() => drop?.close());

  async function customer(prefix: string, secretKey = drop.secretAccessKey) {
    return h.customerFor(
      'zoo-files-s3',
      { bucket, prefix, endpoint: drop.endpoint },
      { aws_access_key_id: drop.accessKeyId, aws_secret_access_key: secretKey },
    );
  }

  test('takes each day once; a re-run reads stored files; a re-sent file replaces its rows', async () => {
    const prefix = `${uniqueName('acme')}/`;
    const c = await customer(prefix);
    await drop.put(`${prefix}orders_20240301.csv.gz`, gzipCsv([['order_id', 'day', 'amount'], ['A1', '2024-03-01', '10.5'], ['A2', '2024-03-01', '20']]));
    await drop.put(`${prefix}orders_20240302.csv.gz`, gzipCsv([['order_id', 'day', 'amount'], ['B1', '2024-03-02', '7']]));
    await drop.put(`${prefix}orders_20240305.csv.gz`, gzipCsv([['order_id', 'day', 'amount'], ['C1', '2024-03-05', '1']])); // outside the window
    await drop.put(`${prefix}notes.txt`, 'not a report');
    const window = { from: '2024-03-01', to: '2024-03-02' };

    const first = await h.ingest('zoo-files-s3', c, window, { stream: 'orders' });
    expect(first.status).toBe('COMPLETED');
    expect(first.recordsFetched).toBe(3);
    const loaded = await rows('zoo_files_s3_orders', c, 'order_id');
    expect(loaded.map((r) => [r.order_id, day(r.day), Number(r.amount), r.file])).toEqual([
      ['A1', '2024-03-01', 10.5, 'orders_20240301.csv.gz'],
      ['A2', '2024-03-01', 20, 'orders_20240301.csv.gz'],
      ['B1', '2024-03-02', 7, 'orders_20240302.csv.gz'],
    ]);
    const taken = await manifest(c);
    expect(taken.map((m) => [m.path, m.source, day(m.file_date)])).toEqual([
      [`${prefix}orders_20240301.csv.gz`, `s3://${bucket}/${prefix}`, '2024-03-01'],
      [`${prefix}orders_20240302.csv.gz`, `s3://${bucket}/${prefix}`, '2024-03-02'],
    ]);
    expect(taken[0].sha256).toMatch(/^[0-9a-f]{64}$/);

    // The same window again: nothing downloaded, nothing recorded, the same rows.
    const again = await h.ingest('zoo-files-s3', c, window, { stream: 'orders' });
    expect(again.status).toBe('COMPLETED');
    expect(again.recordsFetched).toBe(3);
    expect(await downloadedBy('zoo-files-s3', c, again.runId)).toEqual([]);
    expect(await manifest(c)).toHaveLength(2);
    expect(await rows('zoo_files_s3_orders', c, 'order_id')).toHaveLength(3);

    // The vendor re-sends day 2 with a correction: taken again, its rows replace the old ones.
    await drop.put(`${prefix}orders_20240302.csv.gz`, gzipCsv([['order_id', 'day', 'amount'], ['B1', '2024-03-02', '8.25']]));
    const resent = await h.ingest('zoo-files-s3', c, window, { stream: 'orders' });
    expect(resent.status).toBe('COMPLETED');
    expect(await downloadedBy('zoo-files-s3', c, resent.runId)).toHaveLength(1);
    const versions = await manifest(c);
    expect(versions).toHaveLength(3);
    expect(versions[2].path).toBe(`${prefix}orders_20240302.csv.gz`);
    expect(versions[2].sha256).not.toBe(versions[1].sha256);
    const after = await rows('zoo_files_s3_orders', c, 'order_id');
    expect(after.map((r) => [r.order_id, Number(r.amount)])).toEqual([['A1', 10.5], ['A2', 20], ['B1', 8.25]]);
    expect(h.storedText()).not.toContain(drop.secretAccessKey);

    // A stored copy lost (retention ran early): the file is taken again, under the same manifest row.
    const day1 = versions[0].object_key as string;
    fs.rmSync(path.join((h.settings.objectStore as { dir: string }).dir, day1));
    const recovered = await h.ingest('zoo-files-s3', c, window, { stream: 'orders' });
    expect(recovered.status).toBe('COMPLETED');
    expect(recovered.recordsFetched).toBe(3);
    expect(await downloadedBy('zoo-files-s3', c, recovered.runId)).toHaveLength(1);
    const rows3 = await manifest(c);
    expect(rows3).toHaveLength(3);
    expect(rows3[0].run_id).toBe(first.runId);
    expect(rows3[0].object_key).not.toBe(day1);
  });

  test('XLSX workbooks (by upload time) and JSON exports, gzip or not, go through the same decoding as API responses', async () => {
    const prefix = `${uniqueName('formats')}/`;
    const c = await customer(prefix);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Budgets');
    sheet.addRow(['campaign', 'month', 'budget']);
    sheet.addRow(['brand', new Date(Date.UTC(2024, 9, 1)), 1500.5]);
    sheet.addRow(['search', '2024-10-01', 800]);
    await drop.put(`${prefix}budgets_october.xlsx`, Buffer.from(await workbook.xlsx.writeBuffer()));
    await drop.put(`${prefix}events-1.json`, JSON.stringify({ events: [{ id: 1, type: 'click', ts: 1727740800 }] }));
    await drop.put(`${prefix}events-2.json.gz`, gzipSync(JSON.stringify({ events: [{ id: 2, type: 'view', ts: 1727744400 }, { id: 3, type: 'click', ts: 1727748000 }] })));
    const today = new Date().toISOString().slice(0, 10);

    const budgets = await h.ingest('zoo-files-s3', c, { from: today, to: today }, { stream: 'budgets' });
    expect(budgets.status).toBe('COMPLETED');
    expect((await rows('zoo_files_s3_budgets', c, 'campaign')).map((r) => [r.campaign, day(r.month), Number(r.budget)])).toEqual([
      ['brand', '2024-10-01', 1500.5],
      ['search', '2024-10-01', 800],
    ]);
    const events = await h.ingest('zoo-files-s3', c, { from: today, to: today }, { stream: 'events' });
    expect(events.status).toBe('COMPLETED');
    expect((await rows('zoo_files_s3_events', c, 'id')).map((r) => [Number(r.id), r.kind, (r.at as Date).toISOString(), r.file])).toEqual([
      [1, 'click', '2024-10-01T00:00:00.000Z', 'events-1.json'],
      [2, 'view', '2024-10-01T01:00:00.000Z', 'events-2.json.gz'],
      [3, 'click', '2024-10-01T02:00:00.000Z', 'events-2.json.gz'],
    ]);
  });

  test('a missing day fails the window naming the source, the pattern and the day', async () => {
    const prefix = `${uniqueName('late')}/`;
    const c = await customer(prefix);
    await drop.put(`${prefix}orders_20240401.csv.gz`, gzipCsv([['order_id', 'day', 'amount'], ['D1', '2024-04-01', '3']]));
    const outcome = await h.ingest('zoo-files-s3', c, { from: '2024-04-01', to: '2024-04-02' }, { stream: 'orders' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain(`no file matching "orders_*.csv.gz" with the date 2024-04-02 (as YYYYMMDD) in its name in s3://${bucket}/${prefix}`);
    expect(outcome.error).toContain('$.streams.orders.steps[0]');
  });

  test('wrong keys fail at once, naming the bucket, without the secret', async () => {
    const c = await customer('any/', 'wrong-secret-key-value');
    const outcome = await h.ingest('zoo-files-s3', c, { from: '2024-03-01', to: '2024-03-01' }, { stream: 'orders' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(new RegExp(`cannot list s3://${bucket}/any/: SignatureDoesNotMatch`));
    expect(outcome.error).not.toContain('wrong-secret-key-value');
  });

  test('a file that is not what its name promises fails naming it; rows loaded before stay', async () => {
    const prefix = `${uniqueName('bad')}/`;
    const c = await customer(prefix);
    await drop.put(`${prefix}orders_20240501.csv.gz`, gzipCsv([['order_id', 'day', 'amount'], ['E1', '2024-05-01', '5']]));
    expect((await h.ingest('zoo-files-s3', c, { from: '2024-05-01', to: '2024-05-01' }, { stream: 'orders' })).status).toBe('COMPLETED');
    await drop.put(`${prefix}orders_20240502.csv.gz`, 'order_id,day,amount\nE2,2024-05-02,6\n'); // plain text
    const outcome = await h.ingest('zoo-files-s3', c, { from: '2024-05-01', to: '2024-05-02' }, { stream: 'orders' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain(`file ${prefix}orders_20240502.csv.gz from s3://${bucket}/${prefix} is not gzip-compressed`);
    expect((await rows('zoo_files_s3_orders', c, 'order_id')).map((r) => r.order_id)).toEqual(['E1']);
    expect((await manifest(c)).map((m) => m.path)).toEqual([`${prefix}orders_20240501.csv.gz`]);
  });
});

describe('SFTP folder', () => {
  const secretsFor = (s: FileServers, auth: 'key' | 'password' | 'wrong') => ({
    sftp_user: s.user,
    ...(auth === 'key' ? { sftp_private_key: s.clientKey } : { sftp_password: auth === 'password' ? s.password : 'not-the-password' }),
  });

  test('files modified in the window, with key auth; a re-run downloads nothing', async () => {
    const folder = userFolder(servers, `outbound/${uniqueName('sftp')}`);
    const a = 'page\tday\tvisits\n/home\t2024-06-01\t10\n/pricing\t2024-06-01\t4\n';
    const b = 'page\tday\tvisits\n/home\t2024-06-02\t12\n';
    folder.write('visits-a.tsv', a, new Date('2024-06-01T23:00:00Z'));
    folder.write('visits-b.tsv', b, new Date('2024-06-02T08:00:00Z'));
    folder.write('visits-old.tsv', 'page\tday\tvisits\n/home\t2024-05-20\t1\n', new Date('2024-05-20T08:00:00Z'));
    folder.write('other.csv', 'x\n', new Date('2024-06-01T08:00:00Z'));
    const c = await h.customerFor('zoo-files-sftp', { host: '127.0.0.1', port: servers.sftpPort, folder: folder.remote }, secretsFor(servers, 'key'));
    const window = { from: '2024-06-01', to: '2024-06-02' };
    const first = await h.ingest('zoo-files-sftp', c, window, { stream: 'visits' });
    expect(first.status).toBe('COMPLETED');
    const loaded = await rows('zoo_files_sftp_visits', c, 'day, page');
    expect(loaded.map((r) => [r.page, day(r.day), Number(r.visits), r.file])).toEqual([
      ['/home', '2024-06-01', 10, `${folder.remote}/visits-a.tsv`],
      ['/pricing', '2024-06-01', 4, `${folder.remote}/visits-a.tsv`],
      ['/home', '2024-06-02', 12, `${folder.remote}/visits-b.tsv`],
    ]);
    expect((await manifest(c)).map((m) => [m.source, m.size])).toEqual([
      [`sftp://127.0.0.1:${servers.sftpPort}${folder.remote}`, a.length],
      [`sftp://127.0.0.1:${servers.sftpPort}${folder.remote}`, b.length],
    ]);

    // The vendor cleans its folder up after a while: a re-run still loads the window from the stored copies.
    folder.remove('visits-a.tsv');
    const again = await h.ingest('zoo-files-sftp', c, window, { stream: 'visits' });
    expect(again.status).toBe('COMPLETED');
    expect(again.recordsFetched).toBe(3);
    expect(await downloadedBy('zoo-files-sftp', c, again.runId)).toEqual([]);
    expect(await manifest(c)).toHaveLength(2);
  });

  test('a wrong password fails at once naming the server, and never shows the password', async () => {
    const folder = userFolder(servers, `outbound/${uniqueName('sftp')}`);
    const c = await h.customerFor('zoo-files-sftp', { host: '127.0.0.1', port: servers.sftpPort, folder: folder.remote }, secretsFor(servers, 'wrong'));
    const outcome = await h.ingest('zoo-files-sftp', c, { from: '2024-06-01', to: '2024-06-01' }, { stream: 'visits' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain(`sftp://127.0.0.1:${servers.sftpPort}: login refused for the configured user`);
    expect(outcome.error).not.toContain('not-the-password');
  });

  test('an unreachable host is retried, then fails naming it', async () => {
    const c = await h.customerFor('zoo-files-sftp', { host: '127.0.0.1', port: 1, folder: '/nowhere' }, secretsFor(servers, 'password'));
    const outcome = await h.ingest('zoo-files-sftp', c, { from: '2024-06-01', to: '2024-06-01' }, { stream: 'visits', maxAttempts: 2 });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain('sftp://127.0.0.1:1: cannot connect');
  });

  test('a pinned host key: the right key connects, another key is refused naming both', async () => {
    const blob = Buffer.from(fs.readFileSync(path.join(servers.dir, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1], 'base64');
    const real = createHash('sha256').update(blob).digest('hex');
    const folder = userFolder(servers, `outbound/${uniqueName('pinned')}`);
    folder.write('visits-a.tsv', 'page\tday\tvisits\n/home\t2024-06-01\t10\n', new Date('2024-06-01T12:00:00Z'));
    const inputs = { host: '127.0.0.1', port: servers.sftpPort, folder: folder.remote };
    const good = await h.customerFor('zoo-files-sftp', { ...inputs, host_key: real }, secretsFor(servers, 'key'));
    expect((await h.ingest('zoo-files-sftp', good, { from: '2024-06-01', to: '2024-06-01' }, { stream: 'visits_pinned' })).status).toBe('COMPLETED');
    const other = 'ab'.repeat(32);
    const bad = await h.customerFor('zoo-files-sftp', { ...inputs, host_key: other }, secretsFor(servers, 'key'));
    const outcome = await h.ingest('zoo-files-sftp', bad, { from: '2024-06-01', to: '2024-06-01' }, { stream: 'visits_pinned' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain(`sftp://127.0.0.1:${servers.sftpPort}: host key SHA-256 ${real} is not the configured hostKey ${other}`);
  });
});
