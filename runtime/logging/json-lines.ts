/**
 * The worker's log: one JSON object per line (`{"time","level","message",…}`), what log
 * shippers (CloudWatch, Loki, Datadog) read without a parser. Installed as Temporal's
 * Runtime logger, so the SDK's own lines, workflow `log` calls and activity context logs
 * all come out this way, with their workflow id and run id; DIF adds vendor, customer,
 * stream and step. The activity task token is dropped: it lets whoever holds it complete
 * the activity. Secrets are scrubbed before this (activities/secret-scope.ts).
 */
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

const DROPPED = new Set(['taskToken']);
const RENAMED: Record<string, string> = { workflowRunId: 'runId' };

export function jsonLine(entry: LogEntry): string {
  const line: Record<string, unknown> = {
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level,
    message: entry.message,
  };
  for (const [key, value] of Object.entries(entry.meta ?? {})) {
    if (DROPPED.has(key) || value === undefined) continue;
    line[RENAMED[key] ?? key] = value;
  }
  return JSON.stringify(line, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message };
    return value;
  });
}

/** A Temporal logger writing JSON lines (to stdout unless `write` says otherwise). */
export function jsonLinesLogger(level: LogLevel = 'INFO', write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): DefaultLogger {
  return new DefaultLogger(level, (entry) => write(jsonLine(entry)));
}
