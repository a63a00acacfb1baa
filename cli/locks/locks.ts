import { RedisSemaphores, type SemaphoreSnapshot } from '../../adapters/locks/semaphores';

/** One line of `dif locks --json`: a semaphore (vendor permits or a table lock) now. */
export interface LockReport {
  name: string;
  limit: number;
  leaseMs: number;
  holders: { holder: string; heldMs: number; leaseLeftMs: number; fencingToken?: number }[];
  waiters: { holder: string; position: number; placeLeftMs: number }[];
}

/** Every semaphore whose name starts with `prefix`, as the operator sees it; times in Redis's clock. */
export async function readLocks(semaphores: RedisSemaphores, prefix = ''): Promise<LockReport[]> {
  const names = (await semaphores.names()).filter((n) => n.startsWith(prefix));
  const reports = (await Promise.all(names.map((n) => semaphores.snapshot(n)))).map(report);
  return reports.filter((r) => r.holders.length > 0 || r.waiters.length > 0);
}

function report(s: SemaphoreSnapshot): LockReport {
  return {
    name: s.name,
    limit: s.limit,
    leaseMs: s.leaseMs,
    holders: s.holders
      .sort((a, b) => a.acquiredAt - b.acquiredAt)
      .map((h) => ({
        holder: h.holder,
        heldMs: s.now - h.acquiredAt,
        leaseLeftMs: h.expiresAt - s.now,
        ...(h.token ? { fencingToken: h.token } : {}),
      })),
    waiters: s.waiters
      .sort((a, b) => a.ticket - b.ticket)
      .map((w, i) => ({ holder: w.holder, position: i + 1, placeLeftMs: w.placeExpiresAt - s.now })),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function formatLocks(reports: LockReport[]): string {
  if (reports.length === 0) return 'no semaphore is held or waited for';
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.name}  (${r.holders.length}/${r.limit} held, ${r.waiters.length} waiting, lease ${seconds(r.leaseMs)})`);
    for (const h of r.holders) {
      const token = h.fencingToken ? `, fencing token ${h.fencingToken}` : '';
      lines.push(`  holds  ${h.holder}  for ${seconds(h.heldMs)}, lease left ${seconds(h.leaseLeftMs)}${token}`);
    }
    for (const w of r.waiters) lines.push(`  waits  #${w.position} ${w.holder}  (place kept ${seconds(w.placeLeftMs)} more)`);
  }
  return lines.join('\n');
}
