/**
 * The syntax of the config language's expressions and `${…}` templates, checked with a
 * real JavaScript parser (acorn) instead of by counting braces: an expression is exactly
 * one JavaScript expression and nothing after it, so no text in a config, an override or
 * a customer input can close the code around it. Validation calls these for every
 * expression and template field; the engine calls them again before anything runs.
 *
 * Pure (no I/O); safe for workflow code and the validator.
 */
import { parseExpressionAt, tokenizer, type Node } from 'acorn';

const ECMA_VERSION = 2022;

/**
 * A template's pieces: literal text, expressions with how their values are inserted, and
 * `$auth{…}` places the request's signer fills as it signs (see AUTH_PLACE).
 */
export type TemplatePart = { text: string } | { expression: string; raw: boolean; column: number } | { auth: string; column: number };

/**
 * What an `$auth{…}` place may name: `token`, the signer's current access token, or
 * `secrets.<name>`, a credential the auth block lists. Not an expression: the value never
 * enters the expression engine, and is written into the request only after the rate-limit
 * wait, by the signer (activities/auth-places.ts).
 */
export const AUTH_PLACE = /^(token|secrets\.[a-z][a-z0-9_]*)$/;

export class ExpressionSyntaxError extends Error {
  constructor(
    readonly where: string,
    readonly text: string,
    /** 1-based column in `text` where the problem is. */
    readonly column: number,
    /** What is wrong, without the place. */
    readonly reason: string,
  ) {
    super(`${where}: ${reason} at column ${column} of ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`);
    this.name = 'ExpressionSyntaxError';
  }
}

/** Expressions already proven well formed, so the engine's second check costs a lookup. */
const checked = new Set<string>();
const CHECKED_LIMIT = 50_000;

/**
 * Throws ExpressionSyntaxError unless `text` is exactly one JavaScript expression, with
 * nothing but white space after it. `import()` and `import.meta` are refused: there is no
 * module loader behind an expression.
 */
export function checkExpression(text: string, where: string): void {
  if (checked.has(text)) return;
  if (text.trim() === '') throw new ExpressionSyntaxError(where, text, 1, 'an expression is empty');
  const node = parseOne(text, 0, where, text);
  const rest = text.slice(node.end);
  if (rest.trim() !== '') {
    throw new ExpressionSyntaxError(where, text, node.end + 1 + (rest.length - rest.trimStart().length), 'unexpected text after the expression (an expression is exactly one JavaScript expression; comments are not allowed after it)');
  }
  refuseImports(text, where);
  if (checked.size >= CHECKED_LIMIT) checked.clear();
  checked.add(text);
}

/**
 * Splits "a/${inputs.id}/b" into literal and expression parts. The parser finds where each
 * expression ends, so braces and quotes inside it need no counting. `$raw{…}` marks an
 * expression whose value is inserted without encoding; validation reports every use.
 */
export function parseTemplate(template: string, where: string): readonly TemplatePart[] {
  // Templates are rendered on every request: each is parsed once (errors are not kept).
  const known = templates.get(template);
  if (known) return known;
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < template.length) {
    const next = nextOpening(template, i);
    if (!next) {
      parts.push({ text: template.slice(i) });
      break;
    }
    if (next.at > i) parts.push({ text: template.slice(i, next.at) });
    const start = next.at + next.opener.length;
    if (next.opener === '$auth{') {
      const close = template.indexOf('}', start);
      if (close < 0) throw new ExpressionSyntaxError(where, template, next.at + 1, 'unclosed "$auth{"');
      const name = template.slice(start, close).trim();
      if (!AUTH_PLACE.test(name)) {
        throw new ExpressionSyntaxError(where, template, next.at + 1, `"$auth{${name}}" names neither "token" nor "secrets.<credential>"`);
      }
      parts.push({ auth: name, column: next.at + 1 });
      i = close + 1;
      continue;
    }
    if (template.slice(start).trim().startsWith('}')) throw new ExpressionSyntaxError(where, template, next.at + 1, `empty "${next.opener}}"`);
    const unclosed = () => new ExpressionSyntaxError(where, template, next.at + 1, `unclosed "${next.opener}"`);
    let node: Node;
    try {
      node = parseOne(template, start, where, template);
    } catch (e) {
      // The parser ran off the end: the template never closed what it opened.
      if (e instanceof ExpressionSyntaxError && e.column > template.length) throw unclosed();
      throw e;
    }
    const close = skipSpace(template, node.end);
    if (close >= template.length) throw unclosed();
    if (template[close] !== '}') throw new ExpressionSyntaxError(where, template, close + 1, `expected "}" to close "${next.opener}"`);
    const expression = template.slice(start, node.end).trim();
    refuseImports(expression, where);
    parts.push({ expression, raw: next.opener === '$raw{', column: next.at + 1 });
    i = close + 1;
  }
  if (templates.size >= CHECKED_LIMIT) templates.clear();
  templates.set(template, parts);
  return parts;
}

const templates = new Map<string, readonly TemplatePart[]>();

/** Every expression of a template, checked; throws ExpressionSyntaxError naming the field. */
export function checkTemplate(template: string, where: string): readonly TemplatePart[] {
  return parseTemplate(template, where);
}

export function isTemplate(value: string): boolean {
  return OPENERS.some((opener) => value.includes(opener));
}

const OPENERS = ['${', '$raw{', '$auth{'] as const;

function nextOpening(template: string, from: number): { at: number; opener: (typeof OPENERS)[number] } | undefined {
  let next: { at: number; opener: (typeof OPENERS)[number] } | undefined;
  for (const opener of OPENERS) {
    const at = template.indexOf(opener, from);
    if (at >= 0 && (!next || at < next.at)) next = { at, opener };
  }
  return next;
}

function parseOne(source: string, start: number, where: string, shown: string): Node {
  // Comments are refused: they have no use in an expression, and parsers differ on some
  // (HTML-like `<!--` comments), so text one parser skips could be code to another.
  const comments: number[] = [];
  let node: Node;
  try {
    node = parseExpressionAt(source, start, { ecmaVersion: ECMA_VERSION, sourceType: 'script', preserveParens: true, onComment: (_block, _text, at) => comments.push(at) });
  } catch (e) {
    const err = e as SyntaxError & { pos?: number };
    const column = typeof err.pos === 'number' ? err.pos + 1 : start + 1;
    const reason = err.message.replace(/\s*\(\d+:\d+\)$/, '');
    throw new ExpressionSyntaxError(where, shown, column, `not a JavaScript expression: ${reason}`);
  }
  const comment = comments.find((at) => at < node.end);
  if (comment !== undefined) throw new ExpressionSyntaxError(where, shown, comment + 1, 'comments are not allowed in expressions');
  return node;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

const namesCache = new Map<string, ReadonlySet<string> | 'all'>();

/**
 * The variable names an expression may read: every identifier that is not a property name
 * after "." (object-literal keys are included, which only costs an extra variable sent).
 * 'all' when it may reach variables by computed name (globalThis, this, eval, Function).
 */
export function namesUsedBy(expression: string): ReadonlySet<string> | 'all' {
  let names = namesCache.get(expression);
  if (names) return names;
  const found = new Set<string>();
  let afterDot = false;
  let all = false;
  for (const token of tokenizer(expression, { ecmaVersion: ECMA_VERSION })) {
    const label = token.type.label;
    const value = String((token as { value?: unknown }).value);
    if (label === 'name' && !afterDot) found.add(value);
    if (label === 'this' || (label === 'name' && ['globalThis', 'eval', 'Function'].includes(value))) all = true;
    afterDot = label === '.' || label === '?.';
  }
  names = all ? 'all' : found;
  if (namesCache.size >= CHECKED_LIMIT) namesCache.clear();
  namesCache.set(expression, names);
  return names;
}

/**
 * The parts of `roots` (such as `record` and `item`) that `expressions` can read: for each
 * root, the dotted member chains it is used through (`record.stats.day.slice(0, 10)` reads
 * `["stats", "day", "slice"]`; a chain stops at anything but `.name`), or 'whole' when the
 * root is used in a way that may read anything (`record[k]`, `f(record)`, eval, this). A
 * value a chain reaches that is not a plain object is needed whole. Used to send the engine
 * only those parts of each record (runtime/expression/expression.ts); more is harmless, less never happens,
 * because every reference to a root is a token of its name.
 */
export function chainsUsedBy(expressions: string[], roots: readonly string[]): Map<string, string[][] | 'whole'> {
  const used = new Map<string, string[][] | 'whole'>();
  const note = (root: string, chain: string[] | 'whole') => {
    const had = used.get(root);
    if (had === 'whole') return;
    if (chain === 'whole' || chain.length === 0) used.set(root, 'whole');
    else used.set(root, [...(had ?? []), chain]);
  };
  for (const expression of expressions) {
    if (namesUsedBy(expression) === 'all') {
      for (const root of roots) note(root, 'whole');
      continue;
    }
    const tokens = [...tokenizer(expression, { ecmaVersion: ECMA_VERSION })];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      const name = String((t as { value?: unknown }).value);
      const afterDot = i > 0 && ['.', '?.'].includes(tokens[i - 1].type.label);
      if (t.type.label !== 'name' || afterDot || !roots.includes(name)) continue;
      const chain: string[] = [];
      for (let j = i + 1; j + 1 < tokens.length && ['.', '?.'].includes(tokens[j].type.label) && tokens[j + 1].type.label === 'name'; j += 2) {
        chain.push(String((tokens[j + 1] as { value?: unknown }).value));
      }
      note(name, chain);
    }
  }
  return used;
}

/** `import(…)` and `import.meta`: the token `import` cannot appear in an expression otherwise. */
function refuseImports(text: string, where: string): void {
  if (!text.includes('import')) return;
  for (const token of tokenizer(text, { ecmaVersion: ECMA_VERSION })) {
    if (token.type.keyword === 'import') throw new ExpressionSyntaxError(where, text, token.start + 1, 'import is not allowed in expressions');
  }
}
