/**
 * The EMF output against the format's specification (CloudWatch User Guide, "Embedded metric
 * format specification"): each line a JSON object whose `_aws` holds `Timestamp` (ms since
 * the epoch) and `CloudWatchMetrics`, a list of directives with `Namespace`, `Dimensions`
 * (lists of dimension names, each present as a top-level string) and `Metrics` (each a
 * `Name` with a `Unit`, its value a top-level number). And no customer id in any line.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EmfWriter, emfTarget } from '../../../runtime/metrics/emf';
import { registry as difRegistry } from '../../../runtime/metrics/dif-metrics';
import { runStarted, runEnded, permitAcquired, useCustomerLabels, vendorAnswered } from '../../../runtime/metrics/hooks';

const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None']);

type Doc = Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };

/** Checks one line against the specification and returns it parsed. */
function checkedDoc(line: string, before: number): Doc {
  expect(line).not.toContain('\n');
  const doc = JSON.parse(line) as Doc;
  expect(Number.isInteger(doc._aws.Timestamp)).toBe(true);
  expect(doc._aws.Timestamp).toBeGreaterThanOrEqual(before);
  expect(doc._aws.Timestamp).toBeLessThanOrEqual(Date.now());
  expect(doc._aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of doc._aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe('DIF-test');
    expect(Array.isArray(directive.Dimensions)).toBe(true);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(30);
      for (const name of set) expect(typeof doc[name]).toBe('string');
    }
    expect(directive.Metrics.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const m of directive.Metrics) {
      expect(typeof doc[m.Name]).toBe('number');
      expect(UNITS.has(m.Unit)).toBe(true);
    }
  }
  return doc;
}

async function lines(writer: EmfWriter, out: string[]): Promise<string[]> {
  const from = out.length;
  await writer.emit();
  return out.slice(from);
}

test('counters report their increase, gauges their value, histograms their count and sum, one line per label set', async () => {
  const registry = new Registry();
  const runs = new Counter({ name: 'dif_runs_started_total', help: 'h', labelNames: ['vendor', 'stream', 'customer'], registers: [registry] });
  const holders = new Gauge({ name: 'dif_permit_holders', help: 'h', labelNames: ['semaphore'], registers: [registry] });
  const waits = new Histogram({ name: 'dif_permit_wait_seconds', help: 'h', labelNames: ['semaphore'], buckets: [1, 10], registers: [registry] });
  const out: string[] = [];
  const writer = new EmfWriter(registry, { namespace: 'DIF-test', write: (l) => out.push(l) });
  const before = Date.now();

  runs.inc({ vendor: 'meta-ads', stream: 'ad_insights', customer: '' }, 3);
  holders.set({ semaphore: 'vendor:meta-ads:account' }, 2);
  waits.observe({ semaphore: 'vendor:meta-ads:account' }, 4);
  waits.observe({ semaphore: 'vendor:meta-ads:account' }, 0.5);
  const first = (await lines(writer, out)).map((l) => checkedDoc(l, before));
  expect(first).toHaveLength(2);
  const byVendor = first.find((d) => d.vendor === 'meta-ads')!;
  expect(byVendor).toMatchObject({ vendor: 'meta-ads', stream: 'ad_insights', dif_runs_started_total: 3 });
  expect(byVendor._aws.CloudWatchMetrics[0]).toMatchObject({ Dimensions: [['vendor', 'stream']], Metrics: [{ Name: 'dif_runs_started_total', Unit: 'Count' }] });
  const bySemaphore = first.find((d) => d.semaphore === 'vendor:meta-ads:account')!;
  expect(bySemaphore).toMatchObject({ dif_permit_holders: 2, dif_permit_wait_seconds_count: 2, dif_permit_wait_seconds_sum: 4.5 });
  expect(bySemaphore._aws.CloudWatchMetrics[0].Metrics).toEqual(
    expect.arrayContaining([
      { Name: 'dif_permit_holders', Unit: 'Count' },
      { Name: 'dif_permit_wait_seconds_sum', Unit: 'Seconds' },
      { Name: 'dif_permit_wait_seconds_count', Unit: 'Count' },
    ]),
  );
  expect(JSON.stringify(first)).not.toMatch(/_bucket/);

  // Next period: only what changed since; an unchanged counter writes nothing, a gauge its value.
  runs.inc({ vendor: 'meta-ads', stream: 'ad_insights', customer: '' }, 2);
  const second = (await lines(writer, out)).map((l) => checkedDoc(l, before));
  expect(second.find((d) => d.vendor === 'meta-ads')).toMatchObject({ dif_runs_started_total: 2 });
  expect(second.find((d) => d.semaphore)).toMatchObject({ dif_permit_holders: 2 });
  expect(second.find((d) => d.semaphore)).not.toHaveProperty('dif_permit_wait_seconds_count');
});

test("DIF's own metrics come out without any customer id, even with customer labels on", async () => {
  const customer = 'cust-7f3a-private';
  useCustomerLabels(true);
  try {
    runStarted({ vendor: 'demo-ads', stream: 'campaign_daily', customer });
    runEnded({ vendor: 'demo-ads', stream: 'campaign_daily', customer }, 'completed', 12, 3);
    vendorAnswered('demo-ads', 429, '7');
    permitAcquired(`vendor:demo-ads:customer:${customer}`, 1500);
    const out: string[] = [];
    const before = Date.now();
    await new EmfWriter(difRegistry, { namespace: 'DIF-test', write: (l) => out.push(l) }).emit();
    const docs = out.map((l) => checkedDoc(l, before));
    expect(out.join('\n')).not.toContain(customer);
    expect(docs.find((d) => d.vendor === 'demo-ads' && d.stream === 'campaign_daily')).toMatchObject({ dif_runs_started_total: 1, dif_runs_completed_total: 1, dif_pages_fetched_total: 3 });
    expect(docs.find((d) => d.vendor === 'demo-ads' && d.status === '429')).toMatchObject({ dif_vendor_calls_total: 1 });
    expect(docs.find((d) => d.semaphore === 'vendor:demo-ads:customer:*')).toMatchObject({ dif_permit_wait_seconds_count: 1, dif_permit_wait_seconds_sum: 1.5 });
    // Node's many runtime series stay in Prometheus; CPU and memory come along.
    expect(out.join('\n')).not.toMatch(/dif_nodejs_gc_duration/);
    expect(docs.some((d) => typeof d.dif_process_resident_memory_bytes === 'number')).toBe(true);
  } finally {
    useCustomerLabels(false);
  }
});

test('DIF_METRICS_EMF: off, stdout or a file', () => {
  expect(emfTarget(undefined)).toBeUndefined();
  expect(emfTarget('')).toBeUndefined();
  expect(emfTarget('0')).toBeUndefined();
  expect(emfTarget('1')).toEqual({ kind: 'stdout' });
  expect(emfTarget('stdout')).toEqual({ kind: 'stdout' });
  expect(emfTarget('/var/log/dif/emf.log')).toEqual({ kind: 'file', path: '/var/log/dif/emf.log' });
});
