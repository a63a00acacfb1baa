/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), capped; undefined if absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, nowMs: number, capMs = 15 * 60_000): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(capMs, Math.round(Number(trimmed) * 1000));
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(capMs, Math.max(0, at - nowMs));
}
