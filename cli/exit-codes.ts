import { ServiceDownError } from '../adapters/health';
import { ConfigError } from '../interpreter/validate';
import { InputError } from '../interpreter/run-plan';
import { UnknownVendorError } from '../adapters/vendor-configs';

/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = { ok: 0, runFailed: 1, usage: 2, serviceDown: 3 } as const;

/** Maps an error to its exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ServiceDownError) return EXIT.serviceDown;
  if (error instanceof ConfigError || error instanceof InputError || error instanceof UnknownVendorError) return EXIT.usage;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
  return EXIT.runFailed;
}
