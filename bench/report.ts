/**
 * What every benchmark prints: one JSON line per figure on stdout, DIF against a baseline
 * measured in the same run, as a ratio. Progress and detail go to stderr, so stdout stays
 * machine-readable (`npm run bench -- e2e | jq`).
 */

export interface Figure {
  bench: string;
  metric: string;
  unit: string;
  dif: number;
  /** Absent for a figure with nothing fair to set it against (the fleet bench's runs per minute). */
  baseline?: number;
  baselineName?: string;
  /** dif / baseline, whatever the direction: read it with `higherIsBetter`. */
  ratio?: number;
  higherIsBetter: boolean;
}

export function figure(f: Omit<Figure, 'ratio'>): Figure {
  if ((f.baseline === undefined) !== (f.baselineName === undefined)) throw new Error(`figure ${f.bench}/${f.metric}: a baseline needs its name, and a name its baseline`);
  if (f.baseline === undefined) return { bench: f.bench, metric: f.metric, unit: f.unit, dif: round(f.dif), higherIsBetter: f.higherIsBetter };
  return {
    bench: f.bench,
    metric: f.metric,
    unit: f.unit,
    dif: round(f.dif),
    baseline: round(f.baseline),
    baselineName: f.baselineName,
    ratio: f.baseline === 0 ? Number.NaN : round(f.dif / f.baseline, 4),
    higherIsBetter: f.higherIsBetter,
  };
}

export function emit(f: Figure): void {
  process.stdout.write(`${JSON.stringify(f)}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `work` and returns its result with the wall-clock seconds it took. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const p = 10 ** digits;
  return Math.round(n * p) / p;
}

/** CPU seconds of this whole process, every thread (zlib's, DuckDB's): steadier than wall time when other work shares the cores. */
export function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
