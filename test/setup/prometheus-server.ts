/**
 * A real Prometheus server (Debian package, scripts/prometheus.sh) for the metrics tests:
 * its own config and data folder, on a free loopback port, scraping the targets given every
 * `scrapeSeconds`; and its HTTP query API.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../adapters/settings';

export interface PrometheusServer {
  url: string;
  /** An instant query's series: their labels and value. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** Waits until the query has a series with a value of at least `atLeast` (scrapes are periodic). */
  waitFor(promql: string, atLeast?: number, timeoutMs?: number): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPrometheus(targets: Record<string, string>, scrapeSeconds = 1): Promise<PrometheusServer> {
  const bin = execFileSync('bash', [path.join(projectRoot(), 'scripts', 'prometheus.sh'), 'path'], { encoding: 'utf8' }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-prometheus-'));
  const scrapeConfigs = Object.entries(targets)
    .map(([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']`)
    .join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global:\n  scrape_interval: ${scrapeSeconds}s\n  evaluation_interval: ${scrapeSeconds}s\nscrape_configs:\n${scrapeConfigs}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(bin, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${output.slice(-2000)}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus not ready in 30 s:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const query: PrometheusServer['query'] = async (promql) => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`prometheus query ${promql} failed: ${body.error}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  return {
    url,
    query,
    async waitFor(promql, atLeast = 0, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const series = await query(promql);
        if (series.some((s) => s.value >= atLeast)) return series;
        if (Date.now() > until) throw new Error(`no series of ${promql} reached ${atLeast} in ${timeoutMs} ms; last: ${JSON.stringify(series)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
