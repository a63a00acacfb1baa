/**
 * Contract test of vendors/email-report-csv: the daily performance report a schedule mails
 * as a CSV attachment, read from dovecot over IMAPS (scripts/file-servers.sh). The report
 * for a day arrives the next morning; only the schedule's sender and subject are taken;
 * each message is moved to DIF/Processed once its attachment is stored, and a re-run of the
 * window reads the stored copies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';
import { fileServers, imapFolder, type FileServers } from '../../setup/file-drops';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';
import { uniqueName } from '../../setup/test-settings';
import { ingestWorkflowId } from '../../../core/run-plan';

let c: VendorContract;
let servers: FileServers;
beforeAll(async () => {
  servers = fileServers();
  c = await startVendorContract('email-report-csv');
});
afterAll(() => c?.shutdown());

const fixture = (name: string) => fs.readFileSync(path.join(projectRoot(), 'vendors', 'email-report-csv', 'fixtures', name));
const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('daily reports from the schedule’s mails, moved once stored; a re-run takes nothing twice', async () => {
  const folder = uniqueName('Reports');
  const box = await imapFolder(servers, folder);
  try {
    for (const date of ['2024-09-01', '2024-09-02']) {
      const next = new Date(Date.parse(`${date}T07:30:00Z`) + 86_400_000);
      await box.deliver({
        from: 'scheduler@adserver.example',
        subject: `Scheduled report: Daily Performance (${date})`,
        date: next,
        text: 'Your scheduled report "Daily Performance" is attached.',
        attachments: [{ filename: `Daily_Performance_${date}.csv`, content: fixture(`Daily_Performance_${date}.csv`) }],
      });
    }
    // A forwarded copy from a colleague: another sender, not taken.
    await box.deliver({
      from: 'colleague@customer.example',
      subject: 'Fwd: Scheduled report: Daily Performance (2024-09-01)',
      date: new Date('2024-09-02T09:00:00Z'),
      text: 'FYI',
      attachments: [{ filename: 'Daily_Performance_2024-09-01.csv', content: fixture('Daily_Performance_2024-09-01.csv') }],
    });
    const customer = await c.customer(
      { imap_host: '127.0.0.1', imap_port: servers.imapPort, folder, sender: 'scheduler@adserver.example' },
      { imap_user: servers.imapUser, imap_password: servers.imapPassword, imap_ca_cert: servers.cert },
    );
    const window = { from: '2024-09-01', to: '2024-09-02' };
    const outcome = await c.ingest(customer, window);
    expect(outcome.status).toBe('COMPLETED');
    const rows = await c.rows('email_report_daily_performance', customer, 'date, campaign_id');
    expect(rows.map((r) => [day(r.date), r.campaign_id, r.campaign, Number(r.impressions), r.clicks === null ? null : Number(r.clicks), Number(r.revenue)])).toEqual([
      ['2024-09-01', 'cmp-1001', 'Autumn Launch', 120034, 1840, 912.55],
      ['2024-09-01', 'cmp-1002', 'Retargeting EU', 45012, 702, 310.1],
      ['2024-09-01', 'cmp-1003', 'Brand, Search', 8800, 420, 88],
      ['2024-09-02', 'cmp-1001', 'Autumn Launch', 118220, 1795, 899.02],
      ['2024-09-02', 'cmp-1002', 'Retargeting EU', 44108, null, 295.4],
    ]);
    expect(rows[0]).toMatchObject({ report_file: 'Daily_Performance_2024-09-01.csv', mail_subject: 'Scheduled report: Daily Performance (2024-09-01)' });
    expect((await box.count(folder)).messages).toBe(1); // the forwarded copy stays
    expect((await box.count('DIF/Processed')).messages).toBeGreaterThanOrEqual(2);

    const again = await c.ingest(customer, window);
    expect(again.status).toBe('COMPLETED');
    expect(again.recordsFetched).toBe(5);
    const reloaded = await c.rows('email_report_daily_performance', customer, 'date, campaign_id');
    expect(reloaded).toHaveLength(5);
    // Read from the stored copies, the rows still know their file and mail.
    expect(reloaded[0]).toMatchObject({ report_file: 'Daily_Performance_2024-09-01.csv', mail_subject: 'Scheduled report: Daily Performance (2024-09-01)' });
    expect(c.storedText()).not.toContain(servers.imapPassword);
  } finally {
    await box.close();
  }
});

describe('the real wait, scaled down in time only: looks 15 s apart (30 min), lease 5 s (300 s)', () => {
  let scaled: VendorContract;
  beforeAll(async () => {
    scaled = await startVendorContract('email-report-csv', (config) => {
      config.streams.daily_performance.steps[0].wait = { intervalMinutes: 0.25, timeoutMinutes: 4 };
      config.semaphore.leaseSeconds = 5;
    });
  });
  afterAll(() => scaled?.shutdown());

  test('the next morning’s report mailed during the wait is taken at the next look, and the run finishes', async () => {
    const folder = uniqueName('Late');
    const box = await imapFolder(servers, folder);
    const deliver = (date: string) =>
      box.deliver({
        from: 'scheduler@adserver.example',
        subject: `Scheduled report: Daily Performance (${date})`,
        date: new Date(Date.parse(`${date}T07:30:00Z`) + 86_400_000),
        text: 'Your scheduled report "Daily Performance" is attached.',
        attachments: [{ filename: `Daily_Performance_${date}.csv`, content: fixture(`Daily_Performance_${date}.csv`) }],
      });
    try {
      await deliver('2024-09-01');
      const customer = await scaled.customer(
        { imap_host: '127.0.0.1', imap_port: servers.imapPort, folder, sender: 'scheduler@adserver.example' },
        { imap_user: servers.imapUser, imap_password: servers.imapPassword, imap_ca_cert: servers.cert },
      );
      const window = { from: '2024-09-01', to: '2024-09-02' };
      const running = scaled.ingest(customer, window);
      const handle = scaled.h.client.workflow.getHandle(ingestWorkflowId({ vendor: 'email-report-csv', customer, stream: 'daily_performance', window }));
      for (let tries = 0; ; tries++) {
        if (tries > 150) throw new Error('the run never started waiting for 2 September');
        await new Promise((r) => setTimeout(r, 200));
        const events = await handle.fetchHistory().then((h) => h.events!, () => []);
        if (events.some((e) => e.timerStartedEventAttributes)) break;
      }
      await deliver('2024-09-02'); // the schedule mails late

      const outcome = await running;
      expect(outcome.status).toBe('COMPLETED');
      const rows = await scaled.rows('email_report_daily_performance', customer, 'date, campaign_id');
      expect(rows.map((r) => [day(r.date), r.campaign_id])).toEqual([
        ['2024-09-01', 'cmp-1001'],
        ['2024-09-01', 'cmp-1002'],
        ['2024-09-01', 'cmp-1003'],
        ['2024-09-02', 'cmp-1001'],
        ['2024-09-02', 'cmp-1002'],
      ]);
      const { events } = await scaled.h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
      expect(events!.filter((e) => e.timerStartedEventAttributes).map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds))).toEqual([15]);
      const scheduled = events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
      expect(scheduled).toEqual(['prepareRun', 'acquirePermit', 'fetchFiles', 'releasePermit', 'acquirePermit', 'fetchFiles', 'releasePermit', 'storeRawLists', 'toCsv', 'loadCsv']);
    } finally {
      await box.close();
    }
  });
});
