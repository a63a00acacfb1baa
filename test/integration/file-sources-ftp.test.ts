/**
 * Files steps over FTPS (explicit TLS) against vsftpd on loopback (scripts/file-servers.sh):
 * zipped CSV reports by the date in their names; a late file waited for on a durable timer;
 * a file that never comes failing the window after the wait; a wrong password.
 */
import type mysql from 'mysql2/promise';
import { fileServers, userFolder, type FileServers } from '../setup/file-drops';
import { zipOf } from '../setup/zip';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';
import { uniqueName } from '../setup/test-settings';

let h: ZooHarness;
let servers: FileServers;
beforeAll(async () => {
  servers = fileServers();
  h = await startZooHarness('file-sources-ftp');
});
afterAll(() => h?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
const spend = (date: string, rows: [string, string][]) =>
  zipOf({ [`spend_${date}.csv`]: ['campaign,day,spend', ...rows.map(([c, s]) => `${c},${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)},${s}`)].join('\n') + '\n' });

async function ftpCustomer(folder: string, password = servers.password) {
  return h.customerFor(
    'zoo-files-ftp',
    { host: 'localhost', port: servers.ftpPort, folder },
    { ftp_user: servers.user, ftp_password: password, ca_cert: servers.cert },
  );
}

async function loaded(customer: string) {
  const { rows } = await h.runtime.postgres.query('SELECT * FROM dif_test.zoo_files_ftp_spend WHERE _dif_customer = $1 ORDER BY day, campaign', [customer]);
  return rows.map((r) => [r.campaign, day(r.day), Number(r.spend)]);
}

test('zipped reports over FTPS by the date in their names; a re-run takes nothing twice', async () => {
  const folder = userFolder(servers, `ftp/${uniqueName('ftp')}`);
  folder.write('spend_20240801.zip', spend('20240801', [['brand', '10'], ['search', '2.5']]));
  folder.write('spend_20240731.zip', spend('20240731', [['brand', '99']]));
  const c = await ftpCustomer(folder.remote);
  const window = { from: '2024-08-01', to: '2024-08-01' };
  const first = await h.ingest('zoo-files-ftp', c, window);
  expect(first.status).toBe('COMPLETED');
  expect(await loaded(c)).toEqual([['brand', '2024-08-01', 10], ['search', '2024-08-01', 2.5]]);
  const again = await h.ingest('zoo-files-ftp', c, window);
  expect(again.status).toBe('COMPLETED');
  const [taken] = await h.runtime.mysql.query<mysql.RowDataPacket[]>('SELECT source, path, run_id FROM file_manifest WHERE customer_id = ?', [c]);
  expect(taken).toEqual([{ source: `ftps://localhost:${servers.ftpPort}${folder.remote}`, path: `${folder.remote}/spend_20240801.zip`, run_id: first.runId }]);
});

test('a late file is waited for on a durable timer, then loaded', async () => {
  const folder = userFolder(servers, `ftp/${uniqueName('late')}`);
  folder.write('spend_20240801.zip', spend('20240801', [['brand', '1']]));
  const c = await ftpCustomer(folder.remote);
  const running = h.ingest('zoo-files-ftp', c, { from: '2024-08-01', to: '2024-08-02' });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  folder.write('spend_20240802.zip', spend('20240802', [['brand', '2']]));
  const outcome = await running;
  expect(outcome.status).toBe('COMPLETED');
  expect(await loaded(c)).toEqual([['brand', '2024-08-01', 1], ['brand', '2024-08-02', 2]]);
  const history = await h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
  expect(history.events!.filter((e) => e.timerStartedEventAttributes).length).toBeGreaterThanOrEqual(1);
});

test('a file that never comes fails the window after the wait, naming source, pattern and day', async () => {
  const folder = userFolder(servers, `ftp/${uniqueName('never')}`);
  const c = await ftpCustomer(folder.remote);
  const outcome = await h.ingest('zoo-files-ftp', c, { from: '2024-08-03', to: '2024-08-03' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain(
    `no file matching "spend_*.zip" with the date 2024-08-03 (as YYYYMMDD) in its name in ftps://localhost:${servers.ftpPort}${folder.remote}; still missing after waiting 0.1 min`,
  );
});

test('a wrong password fails at once naming the server', async () => {
  const c = await ftpCustomer('/tmp', 'wrong-ftp-password');
  const outcome = await h.ingest('zoo-files-ftp', c, { from: '2024-08-01', to: '2024-08-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain(`ftp://localhost:${servers.ftpPort}: login refused for the configured user`);
  expect(outcome.error).not.toContain('wrong-ftp-password');
});
