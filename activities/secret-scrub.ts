/**
 * Scrubs secrets out of text, values and errors: every spelling `secretForms` and
 * `pairForms` list becomes `[redacted]`, in one pass (the marker is never scanned again,
 * and where two spellings overlap the longer one wins).
 *
 * Very short secrets. A spelling of 4 characters or more is replaced wherever it occurs,
 * inside words too (a key "abcd" in "xabcdx"), as before. A spelling of 1 to 3 characters
 * is replaced only where it stands as a whole token, not touching a letter or digit on
 * either side: "key 42 refused" loses the 42, "page 142" and "a4201" keep it. Replacing it
 * inside words would shred every message ("a" would take out half the letters of a
 * sentence) while hiding nothing, since a 3-character secret can be guessed anyway; yet a
 * message quoting the value alone ("Cannot convert 42 to a BigInt", `?key=42&`, `"42"`)
 * must not show it. The cost: a customer with such a secret gets messages where that
 * token is hidden even when it meant something else (page 42).
 */
import { types } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { pairForms, secretForms } from './secret-forms';

export const REDACTED = '[redacted]';
/** Spellings shorter than this are matched only as whole tokens (see the header). */
export const SHORT_SECRET = 4;

/**
 * An Error from any realm: errors made by Node's own modules (a refused connection) are not
 * `instanceof Error` where the global Error is another realm's (jest's sandbox).
 */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

export class Scrubber {
  private readonly forms = new Set<string>();
  private readonly known = new Set<string>();
  private pattern: RegExp | undefined;
  private longest = 0;

  /**
   * `dataSafe`: ignore secrets shorter than SHORT_SECRET altogether. For stored response
   * bodies, which are data: hiding every standalone "42" of a report because a customer's
   * key is "42" would corrupt the numbers loaded. Messages and logs do not use it.
   */
  constructor(
    secrets: Iterable<string | undefined> = [],
    private readonly options: { dataSafe?: boolean; replacement?: string } = {},
  ) {
    for (const secret of secrets) this.addSecret(secret);
  }

  addSecret(secret: string | undefined): void {
    if (!secret || this.known.has(secret) || !this.wanted(secret)) return;
    this.known.add(secret);
    this.addForms(secretForms(secret));
  }

  /** A user and password sent together, e.g. `Authorization: Basic base64(user:password)`. */
  addPair(user: string | undefined, password: string | undefined): void {
    if (password && this.wanted(password)) this.addForms(pairForms(user ?? '', password));
  }

  private wanted(secret: string): boolean {
    return !this.options.dataSafe || secret.length >= SHORT_SECRET;
  }

  get isEmpty(): boolean {
    return this.forms.size === 0;
  }

  /** The longest spelling scrubbed: how much a stream must hold back to catch one split across chunks. */
  get longestForm(): number {
    return this.longest;
  }

  scrub(text: string): string {
    if (this.forms.size === 0 || !text) return text;
    const pattern = this.compiled();
    pattern.lastIndex = 0;
    return text.replace(pattern, this.options.replacement ?? REDACTED);
  }

  /**
   * For streams: scrubs `text` from `from` on, deciding only matches that start before
   * `cut` (each replaced whole, even past `cut`). Gives the scrubbed part and where the
   * text not yet decided begins. With at least longestForm + 1 characters after `cut`,
   * every decision is the one the whole text would give; `text[from - 1]`, when there,
   * is context for a short secret's whole-token test.
   */
  scrubUpTo(text: string, from: number, cut: number): { done: string; rest: number } {
    if (this.forms.size === 0) return { done: text.slice(from, cut), rest: cut };
    const pattern = this.compiled();
    pattern.lastIndex = from;
    let done = '';
    let at = from;
    for (let m = pattern.exec(text); m && m.index < cut; m = pattern.exec(text)) {
      done += text.slice(at, m.index) + (this.options.replacement ?? REDACTED);
      at = m.index + m[0].length;
    }
    const rest = Math.max(at, cut);
    return { done: done + text.slice(at, rest), rest };
  }

  private compiled(): RegExp {
    this.pattern ??= compile(this.forms);
    return this.pattern;
  }

  /** Strings anywhere inside arrays and plain objects, scrubbed into a copy; errors scrubbed in place. */
  scrubValue<T>(value: T, seen = new Set<unknown>()): T {
    if (typeof value === 'string') return this.scrub(value) as T;
    if (value === null || typeof value !== 'object' || seen.has(value)) return value;
    seen.add(value);
    if (isError(value)) return this.scrubError(value, seen) as T;
    if (Array.isArray(value)) return value.map((v) => this.scrubValue(v, seen)) as T;
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.scrub(k), this.scrubValue(v, seen)])) as T;
  }

  /**
   * An error with its message, stack, own string fields, ApplicationFailure details and
   * whole `cause` chain scrubbed. Scrubbed in place, so its class, `type`, `nonRetryable`
   * and `nextRetryDelay` (and a CancelledFailure's identity) are exactly what they were.
   * Anything thrown that is not an Error becomes one, with its text scrubbed.
   */
  scrubError(error: unknown, seen = new Set<unknown>()): Error {
    if (!isError(error)) {
      const text = typeof error === 'string' ? error : safeJson(error);
      return ApplicationFailure.create({ type: 'Error', message: this.scrub(text), nonRetryable: false });
    }
    seen.add(error);
    if (this.forms.size === 0) return error;
    if (Object.isFrozen(error)) return this.rebuilt(error);
    const fields = error as unknown as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(error)) {
      if (key === 'cause' || key === 'details' || key === 'errors' || key === 'stack') continue;
      const value = fields[key];
      if (typeof value === 'string') setField(error, key, this.scrub(value));
    }
    // `stack` may be an accessor that is not an own property yet; reading it formats it.
    if (typeof error.stack === 'string') setField(error, 'stack', this.scrub(error.stack));
    if (error instanceof ApplicationFailure && error.details?.length) {
      setField(error, 'details', this.scrubValue([...error.details], seen));
    }
    if (error.cause !== undefined && !seen.has(error.cause)) {
      setField(error, 'cause', isError(error.cause) ? this.scrubError(error.cause, seen) : this.scrubValue(error.cause, seen));
    }
    // An AggregateError's inner errors (from any realm, like the errors themselves).
    const inner = (error as { errors?: unknown }).errors;
    if (Array.isArray(inner)) setField(error, 'errors', inner.map((e: unknown) => (seen.has(e) ? e : this.scrubError(e, seen))));
    return error;
  }

  /** A frozen error cannot be scrubbed in place: a copy keeping what Temporal reads of it. */
  private rebuilt(error: Error): Error {
    const failure = error instanceof ApplicationFailure ? error : undefined;
    const copy = ApplicationFailure.create({
      type: failure?.type ?? error.name,
      message: this.scrub(error.message),
      nonRetryable: failure?.nonRetryable ?? false,
      ...(failure?.nextRetryDelay !== undefined && failure?.nextRetryDelay !== null ? { nextRetryDelay: failure.nextRetryDelay } : {}),
      ...(failure?.details?.length ? { details: this.scrubValue([...failure.details]) } : {}),
      ...(isError(error.cause) ? { cause: this.scrubError(error.cause) } : {}),
    });
    copy.stack = this.scrub(error.stack ?? '');
    return copy;
  }

  private addForms(forms: string[]): void {
    let grew = false;
    for (const form of forms) {
      if (this.forms.has(form)) continue;
      this.forms.add(form);
      this.longest = Math.max(this.longest, form.length);
      grew = true;
    }
    if (grew) this.pattern = undefined;
  }
}

/** Longest first, so that of two overlapping spellings the longer is taken. */
function compile(forms: Set<string>): RegExp {
  const alternatives = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => {
      const literal = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return form.length < SHORT_SECRET ? `(?<![A-Za-z0-9])${literal}(?![A-Za-z0-9])` : literal;
    });
  return new RegExp(alternatives.join('|'), 'g');
}

function setField(target: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(target, key) });
  } catch {
    try {
      (target as Record<string, unknown>)[key] = value;
    } catch {
      // A frozen error: nothing to do in place (the caller gets the same object back).
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
