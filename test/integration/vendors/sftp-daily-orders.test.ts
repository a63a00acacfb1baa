/**
 * Contract test of vendors/sftp-daily-orders: one gzip CSV per day on the partner's SFTP
 * server (OpenSSH from scripts/file-servers.sh, key auth), taken by the date in its name.
 * A re-run downloads nothing; the partner re-sending a day with corrections replaces that
 * day's rows through the merge by order_id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type mysql from 'mysql2/promise';
import { projectRoot } from '../../../adapters/settings';
import { fileServers, userFolder, type FileServers } from '../../setup/file-drops';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';
import { uniqueName } from '../../setup/test-settings';
import { ingestWorkflowId } from '../../../core/run-plan';

let c: VendorContract;
let servers: FileServers;
beforeAll(async () => {
  servers = fileServers();
  c = await startVendorContract('sftp-daily-orders');
});
afterAll(() => c?.shutdown());

const gz = (name: string) => gzipSync(fs.readFileSync(path.join(projectRoot(), 'vendors', 'sftp-daily-orders', 'fixtures', name)));
const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('daily files by the date in their names; re-runs take nothing twice; a re-sent day replaces its rows', async () => {
  const folder = userFolder(servers, `outbound/${uniqueName('acme')}`);
  folder.write('orders_20240901.csv.gz', gz('orders_20240901.csv'));
  folder.write('orders_20240902.csv.gz', gz('orders_20240902.csv'));
  folder.write('orders_20240903.csv.gz.part', Buffer.from('still uploading'));
  const customer = await c.customer(
    { sftp_host: '127.0.0.1', sftp_port: servers.sftpPort, folder: folder.remote },
    { sftp_user: servers.user, sftp_private_key: servers.clientKey },
  );
  const window = { from: '2024-09-01', to: '2024-09-02' };
  const first = await c.ingest(customer, window);
  expect(first.status).toBe('COMPLETED');
  const rows = await c.rows('sftp_daily_orders', customer, 'order_id');
  expect(rows.map((r) => [r.order_id, r.ordered_at.toISOString(), r.currency, Number(r.total), r.status, day(r.file_date)])).toEqual([
    ['SO-50001', '2024-09-01T08:15:02.000Z', 'EUR', 129.9, 'paid', '2024-09-01'],
    ['SO-50002', '2024-09-01T11:42:40.000Z', 'USD', 42, 'paid', '2024-09-01'],
    ['SO-50003', '2024-09-01T23:59:59.000Z', 'USD', 15.5, 'refunded', '2024-09-01'],
    ['SO-50004', '2024-09-02T00:00:01.000Z', 'GBP', 77, 'paid', '2024-09-02'],
  ]);

  const again = await c.ingest(customer, window);
  expect(again.status).toBe('COMPLETED');
  const [taken] = await c.h.runtime.mysql.query<mysql.RowDataPacket[]>('SELECT path, run_id FROM file_manifest WHERE customer_id = ? ORDER BY id', [customer]);
  expect(taken.map((t) => t.run_id)).toEqual([first.runId, first.runId]);

  // Corrections for 2 September: one order partly refunded, one order added.
  folder.write('orders_20240902.csv.gz', gz('orders_20240902-resent.csv'), new Date(Date.now() + 60_000));
  const resent = await c.ingest(customer, window);
  expect(resent.status).toBe('COMPLETED');
  const after = await c.rows('sftp_daily_orders', customer, 'order_id');
  expect(after.map((r) => [r.order_id, Number(r.total), r.status])).toEqual([
    ['SO-50001', 129.9, 'paid'],
    ['SO-50002', 42, 'paid'],
    ['SO-50003', 15.5, 'refunded'],
    ['SO-50004', 70, 'partially_refunded'],
    ['SO-50005', 12, 'paid'],
  ]);
  const [versions] = await c.h.runtime.mysql.query<mysql.RowDataPacket[]>('SELECT path, run_id FROM file_manifest WHERE customer_id = ? ORDER BY id', [customer]);
  expect(versions).toHaveLength(3);
  expect(versions[2]).toMatchObject({ path: `${folder.remote}/orders_20240902.csv.gz`, run_id: resent.runId });
  expect(c.storedText()).not.toContain('OPENSSH PRIVATE KEY');
});

describe('the real wait, scaled down in time only: looks 15 s apart (60 min), lease 5 s (300 s)', () => {
  let scaled: VendorContract;
  beforeAll(async () => {
    scaled = await startVendorContract('sftp-daily-orders', (config) => {
      config.streams.orders.steps[0].wait = { intervalMinutes: 0.25, timeoutMinutes: 3 };
      config.semaphore.leaseSeconds = 5;
    });
  });
  afterAll(() => scaled?.shutdown());

  test('a day delivered during the wait is taken at the next look, and the run finishes with both days', async () => {
    const folder = userFolder(servers, `outbound/${uniqueName('late')}`);
    folder.write('orders_20240901.csv.gz', gz('orders_20240901.csv'));
    const customer = await scaled.customer(
      { sftp_host: '127.0.0.1', sftp_port: servers.sftpPort, folder: folder.remote },
      { sftp_user: servers.user, sftp_private_key: servers.clientKey },
    );
    const window = { from: '2024-09-01', to: '2024-09-02' };
    const running = scaled.ingest(customer, window);
    const handle = scaled.h.client.workflow.getHandle(ingestWorkflowId({ vendor: 'sftp-daily-orders', customer, stream: 'orders', window }));
    for (let tries = 0; ; tries++) {
      if (tries > 150) throw new Error('the run never started waiting for 2 September');
      await new Promise((r) => setTimeout(r, 200));
      const events = await handle.fetchHistory().then((h) => h.events!, () => []);
      if (events.some((e) => e.timerStartedEventAttributes)) break;
    }
    folder.write('orders_20240902.csv.gz', gz('orders_20240902.csv')); // the partner is late

    const outcome = await running;
    expect(outcome.status).toBe('COMPLETED');
    expect((await scaled.rows('sftp_daily_orders', customer, 'order_id')).map((r) => r.order_id)).toEqual(['SO-50001', 'SO-50002', 'SO-50003', 'SO-50004']);
    const { events } = await scaled.h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
    expect(events!.filter((e) => e.timerStartedEventAttributes).map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds))).toEqual([15]);
    // hold: calls: the permit went back for the wait (three leases long) and was taken again after it.
    const scheduled = events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    expect(scheduled).toEqual(['prepareRun', 'acquirePermit', 'fetchFiles', 'releasePermit', 'acquirePermit', 'fetchFiles', 'releasePermit', 'storeRawLists', 'toCsv', 'loadCsv']);
  });
});
