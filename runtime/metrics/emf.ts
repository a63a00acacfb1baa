/**
 * The worker's metrics as CloudWatch Embedded Metric Format (EMF) JSON lines, for ECS
 * (the awslogs driver sends stdout to CloudWatch Logs, which extracts the metrics) or a
 * file the CloudWatch agent tails. Turned on by DIF_METRICS_EMF: `1` or `stdout`, or a file
 * path (appended to). Every DIF_METRICS_EMF_SECONDS (default 60) it reads the same registry
 * /metrics serves and writes, per label set, one line:
 *   counters    the increase since the last line (CloudWatch sums per period; totals would not add up)
 *   gauges      the value now
 *   histograms  <name>_count and <name>_sum increases (CloudWatch has no buckets; Sum/SampleCount give the mean)
 * The lines are made by `aws-embedded-metrics` (awslabs), through its MetricsLogger and
 * serializer, with a sink of ours: its own sinks write only to stdout or the agent, and its
 * environment detection probes EC2 metadata over the network, which a worker should not wait on.
 * Dimensions never hold a customer: the customer label is dropped and a semaphore's customer
 * part masked whatever DIF_METRICS_CUSTOMER_LABELS says (each dimension value is a CloudWatch
 * metric billed on its own), and values that merge are summed.
 */
import fs from 'node:fs';
import { MetricsLogger, Unit } from 'aws-embedded-metrics';
import { LogSerializer } from 'aws-embedded-metrics/lib/serializers/LogSerializer';
import type { MetricsContext } from 'aws-embedded-metrics/lib/logger/MetricsContext';
import type { IEnvironment } from 'aws-embedded-metrics/lib/environment/IEnvironment';
import type { Registry, MetricObjectWithValues, MetricValue } from 'prom-client';

export type EmfTarget = { kind: 'stdout' } | { kind: 'file'; path: string };

/** DIF_METRICS_EMF: unset, empty or 0 is off; 1 or stdout is stdout; anything else a file path. */
export function emfTarget(value: string | undefined): EmfTarget | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  if (value === '1' || value === 'stdout') return { kind: 'stdout' };
  return { kind: 'file', path: value };
}

/** Node's own series kept besides DIF's: CPU and memory; the rest (GC kinds, handles…) stay in Prometheus. */
const PROCESS_KEPT = new Set(['dif_process_cpu_seconds_total', 'dif_process_resident_memory_bytes', 'dif_nodejs_heap_size_used_bytes']);

function unitOf(name: string): Unit {
  if (/_seconds(_total|_sum)?$/.test(name)) return Unit.Seconds;
  if (/_bytes(_total)?$/.test(name)) return Unit.Bytes;
  return Unit.Count;
}

/** Labels as dimensions: no customer, semaphores' customers masked, empty values left out. */
function dimensionsOf(labels: MetricValue<string>['labels']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(labels)) {
    if (key === 'customer' || raw === undefined || raw === '') continue;
    const value = String(raw);
    out[key] = key === 'semaphore' ? value.replace(/(^|:)customer:[^:]+/, '$1customer:*') : value;
  }
  return out;
}

interface Sample {
  name: string;
  dimensions: Record<string, string>;
  value: number;
  cumulative: boolean;
}

/** The registry's values worth a CloudWatch metric, each with its dimensions. */
function samplesOf(metrics: MetricObjectWithValues<MetricValue<string>>[]): Sample[] {
  const out: Sample[] = [];
  for (const m of metrics) {
    if (/^dif_(process|nodejs)_/.test(m.name) && !PROCESS_KEPT.has(m.name)) continue;
    for (const v of m.values) {
      const name = (v as { metricName?: string }).metricName ?? m.name;
      if (String(m.type) === 'histogram' && !name.endsWith('_sum') && !name.endsWith('_count')) continue; // buckets
      out.push({ name, dimensions: dimensionsOf(v.labels), value: v.value, cumulative: String(m.type) === 'counter' || String(m.type) === 'histogram' });
    }
  }
  return out;
}

export interface EmfOptions {
  namespace: string;
  write(line: string): void;
}

/** One EMF document per label set, built by aws-embedded-metrics and written through `write`. */
class LineSink {
  readonly name = 'DifLineSink';
  private readonly serializer = new LogSerializer();
  constructor(private readonly write: (line: string) => void) {}
  async accept(context: MetricsContext): Promise<void> {
    for (const line of this.serializer.serialize(context)) this.write(line);
  }
}

function environmentOf(sink: LineSink): IEnvironment {
  return {
    probe: async () => true,
    getName: () => 'DIF',
    getType: () => 'DIF',
    getLogGroupName: () => '',
    configureContext: () => undefined,
    getSink: () => sink,
  };
}

/** Reads the registry and writes the EMF lines of what changed; keeps the counters' last totals. */
export class EmfWriter {
  private readonly last = new Map<string, number>();
  private readonly sink: LineSink;

  constructor(
    private readonly registry: Registry,
    private readonly options: EmfOptions,
  ) {
    this.sink = new LineSink(options.write);
  }

  async emit(): Promise<void> {
    const groups = new Map<string, { dimensions: Record<string, string>; values: Map<string, number> }>();
    const totals = new Map<string, number>();
    for (const s of samplesOf(await this.registry.getMetricsAsJSON())) {
      const key = JSON.stringify(Object.entries(s.dimensions).sort());
      const group = groups.get(key) ?? { dimensions: s.dimensions, values: new Map<string, number>() };
      groups.set(key, group);
      group.values.set(s.name, (group.values.get(s.name) ?? 0) + s.value);
      if (s.cumulative) totals.set(`${s.name}\u0000${key}`, (totals.get(`${s.name}\u0000${key}`) ?? 0) + s.value);
    }
    const environment = environmentOf(this.sink);
    for (const [key, group] of groups) {
      const logger = new MetricsLogger(async () => environment);
      logger.setNamespace(this.options.namespace);
      logger.setDimensions(group.dimensions);
      let any = false;
      for (const [name, value] of group.values) {
        const total = totals.get(`${name}\u0000${key}`);
        // A counter (or a histogram's sum and count) reports its increase; a restart's reset counts from zero.
        const before = this.last.get(`${name}\u0000${key}`) ?? 0;
        const shown = total === undefined ? value : total >= before ? total - before : total;
        if (total !== undefined) this.last.set(`${name}\u0000${key}`, total);
        if (total !== undefined && shown === 0) continue; // nothing happened: no line, no cost
        logger.putMetric(name, shown, unitOf(name));
        any = true;
      }
      if (any) await logger.flush();
    }
  }
}

export interface EmfOutput {
  stop(): Promise<void>;
}

/** The output DIF_METRICS_EMF asks for (DIF_METRICS_EMF_SECONDS, DIF_METRICS_EMF_NAMESPACE), started; none when unset. */
export function emfOutputFromEnv(registry: Registry, env: NodeJS.ProcessEnv = process.env): EmfOutput | undefined {
  const target = emfTarget(env.DIF_METRICS_EMF);
  if (!target) return undefined;
  const seconds = Number(env.DIF_METRICS_EMF_SECONDS ?? '60');
  if (!Number.isFinite(seconds) || seconds < 1) throw new Error(`DIF_METRICS_EMF_SECONDS must be a number of seconds from 1, got "${env.DIF_METRICS_EMF_SECONDS}"`);
  return startEmfOutput(registry, target, { namespace: env.DIF_METRICS_EMF_NAMESPACE || 'DIF', intervalMs: seconds * 1000 });
}

/** Starts writing EMF lines every `intervalMs` to the target; stop() writes the last ones. */
export function startEmfOutput(registry: Registry, target: EmfTarget, options: { namespace?: string; intervalMs?: number } = {}): EmfOutput {
  const file = target.kind === 'file' ? fs.openSync(target.path, 'a') : undefined;
  const write = file === undefined ? (line: string) => process.stdout.write(`${line}\n`) : (line: string) => fs.writeSync(file, `${line}\n`);
  const writer = new EmfWriter(registry, { namespace: options.namespace ?? 'DIF', write });
  // A metric must never stop the worker: a failed emit is skipped, the next one catches up.
  const emit = () => writer.emit().catch(() => undefined);
  const timer = setInterval(() => void emit(), options.intervalMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await emit();
      if (file !== undefined) fs.closeSync(file);
    },
  };
}
