/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), capped; undefined if absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, nowMs: number, capMs = 15 * 60_000): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(capMs, Math.round(Number(trimmed) * 1000));
  // An HTTP date always ends in GMT (RFC 9110); anything else is unreadable, and
  // Date.parse's lenient fallback would turn it into a date in 2001.
  if (!/ GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(capMs, Math.max(0, at - nowMs));
}
