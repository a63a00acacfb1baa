/**
 * The worker's metrics as Prometheus sees them: a real Prometheus server (Debian package)
 * scrapes the worker's /metrics and the Temporal SDK's own endpoint every second while an
 * ingest runs against the mock vendor (a 429 with Retry-After first), and a second run fails
 * on a 400; the series are then read back through Prometheus's query API.
 */
import { Runtime as TemporalRuntime, DefaultLogger } from '@temporalio/worker';
import { ingestWorkflowId } from '../../core/run-plan';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';
import { freePort, startPrometheus, type PrometheusServer } from '../setup/prometheus-server';
import { startMetricsServer, type MetricsServer } from '../../runtime/metrics/server';
import { watchSemaphores } from '../../runtime/metrics/hooks';

let h: Harness;
let metrics: MetricsServer;
let prometheus: PrometheusServer;
let sdkPort: number;

beforeAll(async () => {
  sdkPort = await freePort();
  // Before the harness: the Runtime is installed once per process, with the SDK's exporter.
  TemporalRuntime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}` } } },
  });
  h = await startHarness('metrics');
  watchSemaphores(h.runtime.deps.semaphores);
  metrics = await startMetricsServer(0, '127.0.0.1');
  prometheus = await startPrometheus({ dif: `127.0.0.1:${metrics.port}`, temporal: `127.0.0.1:${sdkPort}` });
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
  await metrics?.close();
  await h?.shutdown();
});

test('a run and a failed run show in Prometheus: runs, vendor calls by class, 429 waits, rows, loads, permits, bytes, SDK metrics', async () => {
  const customer = uniqueName('prom');
  await h.seedCustomer(customer);
  const window = { from: '2026-10-01', to: '2026-10-03' };
  const start = (w: typeof window) =>
    h.client.workflow.start('ingest', {
      taskQueue: h.settings.taskQueue,
      workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window: w }),
      args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window: w, options: { semaphoreRetryMs: 100, maxAttempts: 3 } }],
    });

  h.vendor.failNext(1, { status: 429, retryAfter: '1' });
  const summary = await (await start(window)).result();
  expect(summary.rowsLoaded).toBe(15);
  h.vendor.failNext(1, { status: 400 });
  await expect((await start({ from: '2026-10-04', to: '2026-10-04' })).result()).rejects.toThrow();

  const demo = 'vendor="demo-ads",stream="campaign_daily"';
  const completed = await prometheus.waitFor(`dif_runs_completed_total{${demo}}`, 1);
  expect(completed).toHaveLength(1);
  expect(completed[0].metric.customer).toBeUndefined(); // no customer label unless enabled
  expect((await prometheus.waitFor(`dif_runs_failed_total{${demo},status="failed"}`, 1))[0].value).toBe(1);
  expect((await prometheus.query(`dif_runs_started_total{${demo}}`))[0].value).toBe(2);
  expect((await prometheus.query(`dif_run_duration_seconds_count{${demo},status="completed"}`))[0].value).toBe(1);

  const calls = async (status: string) => (await prometheus.query(`dif_vendor_calls_total{vendor="demo-ads",status="${status}"}`))[0]?.value;
  expect(await calls('429')).toBe(1);
  expect(await calls('4xx')).toBe(1); // the 400
  expect(await calls('2xx')).toBe(h.vendor.requests.length - 2);
  expect((await prometheus.query('dif_vendor_retry_after_seconds_total{vendor="demo-ads"}'))[0].value).toBe(1);

  expect((await prometheus.query(`dif_records_total{${demo}}`))[0].value).toBe(15);
  expect((await prometheus.query(`dif_load_rows_total{${demo},change="inserted"}`))[0].value).toBe(15);
  expect((await prometheus.query(`dif_load_duration_seconds_count{${demo},status="ok"}`))[0].value).toBe(1);
  expect((await prometheus.query(`dif_pages_fetched_total{${demo}}`))[0].value).toBe(summary.pagesFetched);

  // The semaphore's name with the customer masked, so hundreds of customers make one series.
  const waits = await prometheus.query('dif_permit_wait_seconds_count{semaphore="vendor:demo-ads:customer:*"}');
  expect(waits[0].value).toBe(2);
  const holders = await prometheus.query('dif_permit_holders{semaphore="vendor:demo-ads:customer:*"}');
  expect(holders[0].value).toBe(0); // all given back
  expect((await prometheus.query('dif_permit_limit{semaphore="vendor:demo-ads:customer:*"}'))[0].value).toBe(2);

  const raw = await prometheus.query('dif_object_store_bytes_total');
  expect(raw.map((s) => s.metric.kind)).toEqual(expect.arrayContaining(['raw', 'csv']));
  expect(raw.every((s) => s.value > 0)).toBe(true);

  // The Temporal SDK's own runtime metrics, from its exporter.
  const sdk = await prometheus.waitFor('count({job="temporal", __name__=~"temporal_.+"})', 1);
  expect(sdk[0].value).toBeGreaterThan(5);
  expect((await prometheus.query('up')).map((s) => [s.metric.job, s.value]).sort()).toEqual([['dif', 1], ['temporal', 1]]);
}, 120_000);
