/**
 * Files steps over IMAP with TLS against dovecot on loopback (scripts/file-servers.sh): a
 * daily report mailed as a CSV attachment, selected by sender, subject and the date in the
 * attachment's name, each message moved away only once its file is stored; a report mailed
 * as a download link; a wrong password and a malformed attachment failing clearly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type mysql from 'mysql2/promise';
import { fileServers, imapFolder, type FileServers } from '../setup/file-drops';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';
import { uniqueName } from '../setup/test-settings';

let h: ZooHarness;
let servers: FileServers;
beforeAll(async () => {
  servers = fileServers();
  h = await startZooHarness('file-sources-imap');
});
afterAll(() => h?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';

async function rows(table: string, customer: string): Promise<Record<string, unknown>[]> {
  const { rows } = await h.runtime.postgres.query(`SELECT * FROM dif_test.${table} WHERE _dif_customer = $1 ORDER BY order_id`, [customer]);
  return rows;
}

async function mailCustomer(folder: string, password = servers.imapPassword) {
  return h.customerFor(
    'zoo-files-imap',
    { host: '127.0.0.1', port: servers.imapPort, folder },
    { imap_user: servers.imapUser, imap_password: password, ca_cert: servers.cert },
  );
}

const report = (date: string, rowsOf: string[][], from = 'reports@vendor.test') => ({
  from,
  subject: `Daily orders ${date}`,
  date: new Date(`${date}T06:00:00Z`),
  text: 'Your scheduled report is attached.',
  attachments: [{ filename: `orders-${date}.csv`, content: csv([['order_id', 'day', 'amount'], ...rowsOf]) }],
});

test('scheduled report attachments: selected by sender, subject and date; moved after storing; a re-run takes nothing twice', async () => {
  const name = uniqueName('inbox');
  const box = await imapFolder(servers, name);
  try {
    // Each report is mailed the morning after the day it covers.
    await box.deliver({ ...report('2024-07-02', [['O1', '2024-07-01', '12.5'], ['O2', '2024-07-01', '3']]), subject: 'Daily orders 2024-07-01', attachments: [{ filename: 'orders-2024-07-01.csv', content: csv([['order_id', 'day', 'amount'], ['O1', '2024-07-01', '12.5'], ['O2', '2024-07-01', '3']]) }] });
    await box.deliver(report('2024-07-02', [['O3', '2024-07-02', '9']]));
    await box.deliver(report('2024-07-02', [['X1', '2024-07-02', '1']], 'someone@else.test')); // another sender
    await box.deliver({ ...report('2024-07-02', [['X2', '2024-07-02', '1']]), subject: 'Weekly summary' }); // another subject
    const c = await mailCustomer(name);
    const window = { from: '2024-07-01', to: '2024-07-02' };

    const first = await h.ingest('zoo-files-imap', c, window, { stream: 'orders' });
    expect(first.status).toBe('COMPLETED');
    expect((await rows('zoo_files_imap_orders', c)).map((r) => [r.order_id, day(r.day), Number(r.amount), r.subject])).toEqual([
      ['O1', '2024-07-01', 12.5, 'Daily orders 2024-07-01'],
      ['O2', '2024-07-01', 3, 'Daily orders 2024-07-01'],
      ['O3', '2024-07-02', 9, 'Daily orders 2024-07-02'],
    ]);
    // Both reports moved to Processed; the two other messages stay.
    expect((await box.count(name)).messages).toBe(2);
    const [taken] = await h.runtime.mysql.query<mysql.RowDataPacket[]>('SELECT path, source FROM file_manifest WHERE customer_id = ? ORDER BY id', [c]);
    expect(taken).toHaveLength(2);
    expect(taken[0].source).toBe(`imap://127.0.0.1:${servers.imapPort}/${name}`);
    // Both mails arrived the same minute: taken in either order.
    expect(taken.map((t) => t.path.replace(/^<[^>]+>/, '<id>')).sort()).toEqual(['<id>/2/orders-2024-07-01.csv', '<id>/2/orders-2024-07-02.csv']);
    expect(taken[0].path).toMatch(/^<.+@vendor\.test>\//);

    // The messages are gone from the folder, but a re-run of the window still loads them, from the stored copies.
    const again = await h.ingest('zoo-files-imap', c, window, { stream: 'orders' });
    expect(again.status).toBe('COMPLETED');
    expect(again.recordsFetched).toBe(3);
    const [after] = await h.runtime.mysql.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM file_manifest WHERE customer_id = ?', [c]);
    expect(Number(after[0].n)).toBe(2);
    expect(h.storedText()).not.toContain(servers.imapPassword);
  } finally {
    await box.close();
  }
});

test('a report re-sent with corrections as a new mail replaces the first one’s rows, even after both were moved away', async () => {
  const name = uniqueName('resent');
  const box = await imapFolder(servers, name);
  try {
    await box.deliver(report('2024-07-11', [['R1', '2024-07-11', '10'], ['R2', '2024-07-11', '20']]));
    const c = await mailCustomer(name);
    const window = { from: '2024-07-11', to: '2024-07-11' };
    expect((await h.ingest('zoo-files-imap', c, window, { stream: 'orders' })).status).toBe('COMPLETED');
    await box.deliver({ ...report('2024-07-11', [['R1', '2024-07-11', '11'], ['R2', '2024-07-11', '20']]), subject: 'Daily orders 2024-07-11 (corrected)', date: new Date('2024-07-11T09:00:00Z') });
    const corrected = await h.ingest('zoo-files-imap', c, window, { stream: 'orders' });
    expect(corrected.status).toBe('COMPLETED');
    expect(corrected.recordsFetched).toBe(2); // the newer mail only
    const loaded = await rows('zoo_files_imap_orders', c);
    expect(loaded.map((r) => [r.order_id, Number(r.amount), r.subject])).toEqual([
      ['R1', 11, 'Daily orders 2024-07-11 (corrected)'],
      ['R2', 20, 'Daily orders 2024-07-11 (corrected)'],
    ]);
    // Both mails are in Processed now; a re-run reads both stored copies and still prefers the newer.
    const again = await h.ingest('zoo-files-imap', c, window, { stream: 'orders' });
    expect(again.recordsFetched).toBe(2);
    expect((await rows('zoo_files_imap_orders', c)).map((r) => Number(r.amount))).toEqual([11, 20]);
  } finally {
    await box.close();
  }
});

test('a report mailed as download links: each link followed (two with one file name both load), the message flagged', async () => {
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/exports/orders.csv?token=')) return void res.writeHead(404).end();
    const rows = req.url.endsWith('&part=2') ? [['L3', '6']] : [['L1', '4'], ['L2', '5']];
    res.writeHead(200, { 'content-type': 'text/csv' }).end(csv([['order_id', 'amount'], ...rows]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exports/orders.csv?token=signed-TOKEN-123`;
  const name = uniqueName('links');
  const box = await imapFolder(servers, name);
  try {
    await box.deliver({ from: 'noreply@vendor.test', subject: 'Your export is ready', date: new Date('2024-07-05T10:00:00Z'), text: `Download it here:\n${url}\nand the rest here:\n${url}&part=2\nThe links expire in 7 days.` });
    const c = await mailCustomer(name);
    const outcome = await h.ingest('zoo-files-imap', c, { from: '2024-07-05', to: '2024-07-05' }, { stream: 'orders_linked' });
    expect(outcome.status).toBe('COMPLETED');
    expect((await rows('zoo_files_imap_linked', c)).map((r) => [r.order_id, Number(r.amount)])).toEqual([['L1', 4], ['L2', 5], ['L3', 6]]);
    expect(await box.count(name, '$DifTaken')).toEqual({ messages: 1, flagged: 1 });
    const history = JSON.stringify(await h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory());
    expect(history).not.toContain('signed-TOKEN-123');
  } finally {
    await box.close();
    server.close();
  }
});

test('a wrong password fails at once naming the server', async () => {
  const c = await mailCustomer('INBOX', 'wrong-imap-password');
  const outcome = await h.ingest('zoo-files-imap', c, { from: '2024-07-01', to: '2024-07-01' }, { stream: 'orders' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain(`imap://127.0.0.1:${servers.imapPort}: login refused for the configured user`);
  expect(outcome.error).not.toContain('wrong-imap-password');
});

test('a malformed attachment fails naming the message and the file; the message stays for the next run', async () => {
  const name = uniqueName('bad');
  const box = await imapFolder(servers, name);
  try {
    const id = await box.deliver({ ...report('2024-07-09', []), attachments: [{ filename: 'orders-2024-07-08.csv', content: Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), contentType: 'text/csv' }] });
    const c = await mailCustomer(name);
    const outcome = await h.ingest('zoo-files-imap', c, { from: '2024-07-08', to: '2024-07-08' }, { stream: 'orders' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toContain(`file <${id}>/2/orders-2024-07-08.csv`);
    expect(outcome.error).toContain(`orders-2024-07-08.csv from imap://127.0.0.1:${servers.imapPort}/${name} is gzip-compressed, but the step's decode.compression is none`);
    expect((await box.count(name)).messages).toBe(1);
  } finally {
    await box.close();
  }
});

test('an unreachable mail server is retried, then fails naming it', async () => {
  const c = await h.customerFor(
    'zoo-files-imap',
    { host: '127.0.0.1', port: 1, folder: 'INBOX' },
    { imap_user: servers.imapUser, imap_password: servers.imapPassword, ca_cert: servers.cert },
  );
  const outcome = await h.ingest('zoo-files-imap', c, { from: '2024-07-01', to: '2024-07-01' }, { stream: 'orders', maxAttempts: 2 });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain('imap://127.0.0.1:1: cannot connect');
});
