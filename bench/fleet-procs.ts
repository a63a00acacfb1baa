/**
 * What the fleet bench reads from /proc (Linux): CPU seconds and peak RSS of a process (the
 * worker children, the services), and the whole machine's busy share, so the report can say
 * where the CPU went. Reading /proc costs nothing measurable next to the run.
 */
import fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on Linux everywhere in practice. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process (all its threads), or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state): utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Peak resident set size (VmHWM) in bytes, or undefined once the process is gone. */
export function peakRssBytes(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Pids whose command name (/proc/<pid>/comm) is `name`: every process of a service such as postgres. */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/**
 * CPU seconds a service spent between `start()` and the last `sample()`, over all its
 * processes: those that were there at the start count from then, those born later (a
 * Postgres backend per connection) count whole. A process that ends between two samples
 * loses what it spent since the last one, so sample every few seconds.
 */
export class CpuMeter {
  private readonly baseline = new Map<number, number>();
  private readonly latest = new Map<number, number>();

  constructor(private readonly pids: () => number[]) {}

  start(): void {
    for (const pid of this.pids()) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.baseline.set(pid, cpu);
    }
  }

  sample(): void {
    for (const pid of this.pids()) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.latest.set(pid, cpu);
    }
  }

  used(): number {
    let sum = 0;
    for (const [pid, cpu] of this.latest) sum += cpu - (this.baseline.get(pid) ?? 0);
    return sum;
  }
}

/** The machine's busy and total CPU seconds since boot, over all cores (/proc/stat). */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3] + (ticks[4] ?? 0); // idle + iowait
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}
