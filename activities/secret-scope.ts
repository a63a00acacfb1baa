/**
 * The secrets of one activity execution, and the one place its failures and logs are
 * scrubbed of them (DESIGN invariant 10).
 *
 * Every activity runs inside `withSecretScope` (activities/index.ts wraps them all). Code
 * that reveals a secret registers it here as it reveals it: the credential store on every
 * decryption, the auth signers (auth/) for the tokens they obtain (OAuth 2 access and refresh
 * tokens, login tokens) and the Basic pairs they send, file sources for their user:password pairs,
 * the PII key. Whatever then leaves the activity — a failure with its message, stack,
 * details and cause chain, or a line written through the activity logger — is scrubbed of
 * each registered secret in every spelling (secret-forms.ts). So no single call site has to
 * remember to scrub: an auth template that throws while quoting the secret is caught here.
 *
 * AsyncLocalStorage rather than an argument threaded through: the reveal happens deep in
 * adapters, and an execution's scope must not see another's secrets (activities of many
 * customers run at once in one worker). Outside any activity (the CLI, tests calling
 * adapters directly) registering does nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { Scrubber } from './secret-scrub';

const scopes = new AsyncLocalStorage<Scrubber>();

/** Registers a secret revealed in the current activity execution; a no-op outside one. */
export function registerSecret(value: string | undefined | null): void {
  if (value) scopes.getStore()?.addSecret(value);
}

/** Registers a user and password sent together (Basic, IMAP PLAIN); the user alone is not hidden by this. */
export function registerPair(user: string | undefined, password: string | undefined): void {
  if (password) scopes.getStore()?.addPair(user, password);
}

/** The current execution's scrubber, or undefined outside an activity. */
export function currentScrubber(): Scrubber | undefined {
  return scopes.getStore();
}

/**
 * Scrubs a text of the current execution's secrets and of `also` (registered with the
 * execution first), in one pass over the text; outside an activity, of `also` alone.
 */
export function scrubNow(text: string, also: (string | undefined)[] = []): string {
  const scrubber = scopes.getStore();
  if (!scrubber) return new Scrubber(also).scrub(text);
  for (const secret of also) scrubber.addSecret(secret);
  return scrubber.scrub(text);
}

/**
 * Runs an activity function in a fresh secret scope. Its failure, whatever threw it, leaves
 * scrubbed (type and retry policy untouched); its logger scrubs every line and metadata.
 */
export function withSecretScope<A extends unknown[], R>(activity: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => {
    const scrubber = new Scrubber();
    return scopes.run(scrubber, async () => {
      scrubLogger(scrubber);
      try {
        return await activity(...args);
      } catch (e) {
        throw scrubber.scrubError(e);
      }
    });
  };
}

/** Replaces this execution's activity logger (`log` of @temporalio/activity) by one that scrubs. */
function scrubLogger(scrubber: Scrubber): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return; // called directly by a test, not by a worker: no activity logger
  }
  context.log = scrubbingLogger(context.log, scrubber);
}

/**
 * For `Runtime.install({ logger })`: the worker's own logger, scrubbing each line written
 * while an activity execution's scope is current (SDK lines about that activity, anything
 * that logs through the Runtime logger directly). Lines outside any scope pass unchanged.
 */
export function scopedScrubbingLogger(inner: Logger): Logger {
  return loggerScrubbedBy(inner, () => scopes.getStore());
}

/**
 * A logger that scrubs message and metadata before handing them on. It wraps the
 * context's own logger, so the activity's log attributes are still composed in.
 */
export function scrubbingLogger(inner: Logger, scrubber: Scrubber): Logger {
  return loggerScrubbedBy(inner, () => scrubber);
}

/** `inner` with message and metadata scrubbed by whatever scrubber `current` gives (none: as they are). */
function loggerScrubbedBy(inner: Logger, current: () => Scrubber | undefined): Logger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const scrubber = current();
    if (!scrubber) return inner.log(level, message, meta);
    return inner.log(level, scrubber.scrub(message), meta && scrubber.scrubValue(meta));
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
