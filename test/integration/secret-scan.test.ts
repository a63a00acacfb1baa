/**
 * A whole ingestion run by a worker in its own process, then a search for the API key in
 * everything the run left: its Temporal history (payloads decoded), the object store, and
 * every line the worker logged (Temporal SDK log entries at DEBUG with their metadata, and
 * its stdout/stderr). A retried vendor failure is scripted so that failure paths log too.
 * The second run sends its OAuth token and developer token inside a SOAP envelope
 * (`$auth{…}` places, vendors/microsoft-advertising), and a scripted fault quotes them back,
 * raw and XML-escaped, in the message that is logged and recorded as the retried failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestWorkflowId } from '../../core/run-plan';
import { historyText as readHistoryText } from '../setup/history-text';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName, TEST_SCRATCH } from '../setup/test-settings';
import { startWorkerProcess, type WorkerProcess } from '../child/worker-process';
import { projectRoot } from '../../adapters/settings';
import { escapeXml } from '../../core/template-encoding';
import { FixtureServer } from '../mock-vendor/fixture-server';

let h: Harness;
let worker: WorkerProcess;
let soapWorker: WorkerProcess | undefined;
beforeAll(async () => {
  h = await startHarness('scan');
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await soapWorker?.kill('SIGTERM');
  await h?.shutdown();
});

/** The forms a secret could leak in: as is, URL-encoded, base64 (how history payloads are stored). */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

test('no secret in the history, the object store, or the worker logs of a whole run', async () => {
  const customer = uniqueName('scan');
  await h.seedCustomer(customer);
  const queue = `${h.settings.taskQueue}-scan`;
  const logFile = path.join(os.tmpdir(), `${customer}.log`);
  worker = await startWorkerProcess({ ...h.settings, taskQueue: queue }, logFile);
  h.vendor.failNext(1, { status: 500, body: '{"error":{"code":500,"message":"scripted"}}' });

  const window = { from: '2026-10-01', to: '2026-10-03' };
  const handle = await h.client.workflow.start('ingest', {
    taskQueue: queue,
    workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window }),
    args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window, options: { semaphoreRetryMs: 100 } }],
  });
  const summary = await handle.result();
  expect(summary.rowsLoaded).toBe(15);
  // The key was really used: the vendor saw it (twice: the 500, then the retry).
  expect(h.vendor.requests.filter((r) => r.headers['x-api-key'] === h.apiKey).length).toBeGreaterThanOrEqual(2);
  await worker.kill('SIGTERM'); // flushes its logs

  const historyText = await readHistoryText(handle);
  expect(historyText).toContain(customer); // decoding works: the customer id is in the payloads

  const root = (h.settings.objectStore as { dir: string }).dir;
  const files = (fs.readdirSync(root, { recursive: true }) as string[])
    .map((f) => path.join(root, f))
    .filter((f) => fs.statSync(f).isFile());
  const objects = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  expect(objects).toContain(`${customer}`); // this run's CSV is among them

  const logs = worker.logs() + worker.output();
  expect(logs).toMatch(/Activity failed|failed/i); // the scripted 500 was logged
  expect(logs).toContain(customer); // and the log is about this run

  // The structured lines (runtime/logging/json-lines.ts): the run's end and each step, with
  // the workflow id, run id, vendor, customer, stream and step; no task token.
  const lines = jsonLinesOf(worker.logs());
  const runEnd = lines.find((l) => l.event === 'run.completed' && l.customer === customer);
  expect(runEnd).toMatchObject({ level: 'INFO', workflowId: handle.workflowId, runId: summary.runId, vendor: 'demo-ads', stream: 'campaign_daily', step: 'run' });
  const steps = lines.filter((l) => l.message === 'step completed' && l.customer === customer);
  expect(steps.map((l) => l.step)).toEqual(expect.arrayContaining(['prepareRun', 'toCsv', 'loadCsv']));
  expect(steps.every((l) => l.workflowId === handle.workflowId && l.runId === summary.runId && l.vendor === 'demo-ads' && l.stream === 'campaign_daily')).toBe(true);
  expect(lines.filter((l) => 'taskToken' in l)).toEqual([]);

  for (const secret of forms(h.apiKey)) {
    expect(historyText).not.toContain(secret);
    expect(objects).not.toContain(secret);
    expect(logs).not.toContain(secret);
    expect(lines.filter((l) => JSON.stringify(l).includes(secret))).toEqual([]);
  }
});

/** The log's JSON lines as the production worker writes them (those with a `time`; the raw SDK entries have none). */
function jsonLinesOf(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{"time"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The real microsoft-advertising config with its poll wait and retry delay scaled down in time only. */
function fastMicrosoftVendors(): string {
  // Per process: another checkout's run of this test writes its own config (its own grammar) beside it.
  const dir = path.join(TEST_SCRATCH, `scan-soap-${process.pid}`, 'vendors');
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'microsoft-advertising', 'config.json'), 'utf8'));
  config.streams.campaign_performance_daily.steps[0].poll.intervalSeconds = 0.2;
  config.retry.initialIntervalSeconds = 0.2;
  // The fault quoting the tokens must reach the activity's retry, and so history, as it did before requests were retried on their own.
  config.retry.perRequest = { maxAttempts: 1 };
  fs.mkdirSync(path.join(dir, 'microsoft-advertising'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'microsoft-advertising', 'config.json'), JSON.stringify(config));
  return dir;
}

test('tokens placed in a SOAP envelope: in no history, object or log line, raw or XML-escaped, even when a fault quotes them', async () => {
  const fixtures = path.join(projectRoot(), 'vendors', 'microsoft-advertising', 'fixtures');
  const accessToken = JSON.parse(fs.readFileSync(path.join(fixtures, 'token.json'), 'utf8')).access_token as string;
  const secrets = {
    client_id: 'scan-client-id-0123456789',
    client_secret: 'scanClientSECRET~0123456789abcdef',
    refresh_token: 'M.C107_BAY.0.U.-ScanRefreshToken0123456789',
    // Only short words between its XML specials, so no word of it is scrubbed alone: only its whole spellings hide it.
    developer_token: 'Scan&Dev<Tok>"en\'42;Zq',
  };
  const server = new FixtureServer(fixtures);
  await server.start();
  // Microsoft's 117 CallRateExceeded fault (retried: errors.retryWhen), quoting the envelope's header
  // elements back: the fault string XML-escaped, as the envelope carried them, the message as read.
  const quoting = fs
    .readFileSync(path.join(fixtures, 'fault-call-rate-exceeded.xml'), 'utf8')
    .replace(/<faultstring([^>]*)>[^<]*</, `<faultstring$1>Echo: ${escapeXml(escapeXml(accessToken))} ${escapeXml(escapeXml(secrets.developer_token))}<`)
    .replace(/<Message>[^<]*</, `<Message>Echo: ${escapeXml(accessToken)} ${escapeXml(secrets.developer_token)}<`);
  const xml = { 'content-type': 'text/xml; charset=utf-8' };
  server.route(
    { method: 'POST', path: '/token', file: 'token.json' },
    { method: 'POST', path: /ReportingService/, when: (r) => r.headers.soapaction === 'SubmitGenerateReport', times: 1, status: 500, body: quoting, headers: xml },
    { method: 'POST', path: /ReportingService/, when: (r) => r.headers.soapaction === 'SubmitGenerateReport', file: 'submit-generate-report-response.xml', headers: xml },
    { method: 'POST', path: /ReportingService/, file: 'poll-success.xml', headers: xml },
    { method: 'GET', path: /^\/ReportDownload\//, file: 'campaign-performance-report.csv', zip: 'report.csv', headers: { 'content-type': 'application/octet-stream' } },
  );
  try {
    const customer = uniqueName('scansoap');
    const vendor = 'microsoft-advertising';
    await h.runtime.deps.customers.upsertCustomer(customer, customer);
    await h.runtime.deps.customers.upsertCustomerVendor(
      customer,
      vendor,
      { customer_id: '21012345', account_id: '180123456', report_time_zone: 'GreenwichMeanTimeDublinEdinburghLisbonLondon' },
      { baseUrl: server.url, tokenUrl: `${server.url}/token` },
    );
    for (const [name, value] of Object.entries(secrets)) await h.runtime.deps.credentials.set({ customerId: customer, vendor, name }, value);
    const queue = `${h.settings.taskQueue}-scan-soap`;
    soapWorker = await startWorkerProcess({ ...h.settings, taskQueue: queue, vendorsDir: fastMicrosoftVendors() }, path.join(os.tmpdir(), `${customer}.log`));

    const window = { from: '2024-03-01', to: '2024-03-02' };
    const stream = 'campaign_performance_daily';
    const handle = await h.client.workflow.start('ingest', {
      taskQueue: queue,
      workflowId: ingestWorkflowId({ vendor, customer, stream, window }),
      args: [{ vendor, customer, stream, window, options: { semaphoreRetryMs: 100 } }],
    });
    const summary = await handle.result();
    expect(summary.rowsLoaded).toBe(4);
    // The tokens really travelled in the envelope, XML-escaped, and the fault quoting them was met.
    const submits = server.sent(/ReportingService/).filter((r) => r.headers.soapaction === 'SubmitGenerateReport');
    expect(submits).toHaveLength(2);
    expect(submits[0].body).toContain(`<AuthenticationToken i:nil="false">${escapeXml(accessToken)}</AuthenticationToken>`);
    expect(submits[0].body).toContain(`<DeveloperToken i:nil="false">${escapeXml(secrets.developer_token)}</DeveloperToken>`);
    await soapWorker.kill('SIGTERM'); // flushes its logs

    const historyText = await readHistoryText(handle);
    expect(historyText).toContain('CallRateExceeded'); // the quoting fault is in the history, as the retried failure
    const objects = h.storedText();
    expect(objects).toContain(customer);
    const logs = soapWorker.logs() + soapWorker.output();
    expect(logs).toContain('CallRateExceeded'); // and in the worker's log
    for (const secret of [accessToken, ...Object.values(secrets)]) {
      for (const form of [...forms(secret), escapeXml(secret)]) {
        expect(historyText).not.toContain(form);
        expect(objects).not.toContain(form);
        expect(logs).not.toContain(form);
      }
    }
  } finally {
    await server.stop();
  }
});
