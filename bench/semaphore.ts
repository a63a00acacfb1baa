/**
 * semaphore: the cost of one permit, acquire + release, on the fair semaphore (Lua scripts
 * in adapters/locks/fair-semaphore-lua.ts) against the least a Redis lock can cost: a bare
 * `SET key holder NX PX lease` and `DEL key`. Same Redis, same client, same process,
 * alternating rounds. Latency is measured one cycle at a time (no contention); throughput
 * with PARALLEL clients cycling at once, each on its own semaphore (or key).
 */
import Redis from 'ioredis';
import { RedisSemaphores } from '../adapters/locks/semaphores';
import { loadSettings } from '../adapters/settings';
import { figure, progress, type Figure } from './report';

const BENCH = 'semaphore';
const BASELINE_NAME = 'bare Redis SET NX PX + DEL';
const CYCLES = Number(process.env.DIF_BENCH_SEMAPHORE_CYCLES ?? 3000);
const PARALLEL = 16;
const ROUNDS = 3;

type Cycle = (key: string, holder: string) => Promise<void>;

export async function runSemaphore(): Promise<Figure[]> {
  const redis = new Redis(loadSettings().redisUrl);
  const semaphores = new RedisSemaphores(redis);
  const run = `bench-${Date.now().toString(36)}`;
  const dif: Cycle = async (key, holder) => {
    const permit = { key, limit: 3, holder, leaseMs: 60_000 };
    if (!(await semaphores.tryAcquire(permit))) throw new Error(`bench: ${key} unexpectedly full`);
    await semaphores.release(permit);
  };
  const bare: Cycle = async (key, holder) => {
    if ((await redis.set(key, holder, 'PX', 60_000, 'NX')) !== 'OK') throw new Error(`bench: ${key} unexpectedly held`);
    await redis.del(key);
  };
  try {
    const latency = { dif: [] as number[], bare: [] as number[] };
    const throughput = { dif: [] as number[], bare: [] as number[] };
    await sequential(dif, `${run}:warm`, 300);
    await sequential(bare, `${run}:warm-bare`, 300);
    for (let round = 1; round <= ROUNDS; round++) {
      latency.dif.push(...(await sequential(dif, `${run}:lat:${round}`, CYCLES)));
      latency.bare.push(...(await sequential(bare, `${run}:lat-bare:${round}`, CYCLES)));
      throughput.dif.push(await parallel(dif, `${run}:tp:${round}`, CYCLES));
      throughput.bare.push(await parallel(bare, `${run}:tp-bare:${round}`, CYCLES));
      progress(
        `semaphore round ${round}/${ROUNDS}: throughput DIF ${Math.round(throughput.dif.at(-1)!)}/s, bare ${Math.round(throughput.bare.at(-1)!)}/s`,
      );
    }
    const best = (xs: number[]) => Math.max(...xs);
    const common = { bench: BENCH, baselineName: BASELINE_NAME };
    return [
      figure({ ...common, metric: 'acquire+release latency p50', unit: 'ms', dif: pct(latency.dif, 50), baseline: pct(latency.bare, 50), higherIsBetter: false }),
      figure({ ...common, metric: 'acquire+release latency p99', unit: 'ms', dif: pct(latency.dif, 99), baseline: pct(latency.bare, 99), higherIsBetter: false }),
      figure({
        ...common,
        metric: `acquire+release throughput, ${PARALLEL} parallel clients (best of ${ROUNDS})`,
        unit: 'cycles/s',
        dif: best(throughput.dif),
        baseline: best(throughput.bare),
        higherIsBetter: true,
      }),
    ];
  } finally {
    await removeKeys(redis, `dif:sem:{${run}:*`).catch(() => undefined); // semaphores keep their keys a day otherwise
    redis.disconnect();
  }
}

/** Milliseconds per cycle, one after another on one key. */
async function sequential(cycle: Cycle, key: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await cycle(key, `h${i}`);
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return out;
}

/** Cycles per second with PARALLEL loops, each on its own key, n cycles in all. */
async function parallel(cycle: Cycle, key: string, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: PARALLEL }, async (_, c) => {
      for (let i = c; i < n; i += PARALLEL) await cycle(`${key}:${c}`, `h${i}`);
    }),
  );
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function removeKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
