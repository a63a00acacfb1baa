/**
 * Every spelling a secret can take on its way into a message, a log line or a stored
 * body. One list, used by the failure scrubber (secret-scrub.ts) and the stream scrubber
 * (redact-stream.ts), so the two can never disagree about what counts as the secret:
 *
 * - raw;
 * - JSON-string-escaped (`"` `\` and control characters escaped), up to three levels
 *   deep (a JSON body echoed inside a JSON error, itself inside a log line), and the
 *   ASCII-only variant some encoders write (`\u00e9` for é);
 * - URL-encoded (encodeURIComponent), and form-encoded as URLSearchParams writes it
 *   (`+` for a space, `*` kept), each with upper- and lower-case hex digits;
 * - base64 (padded and unpadded) and base64url of the raw and of the URL-encoded secret
 *   (OAuth 2 client authentication with Basic encodes the parts before base64);
 * - the base64 "cores": the characters a secret produces inside *any* longer base64
 *   text, whatever its offset there (0, 1 or 2 modulo 3). This is what catches
 *   base64(user:password) when the user is not known here (an input, or not a secret),
 *   and IMAP's AUTHENTICATE PLAIN. Up to two bytes at each end of the secret share their
 *   base64 characters with their neighbours and cannot be matched alone; the rest is.
 * - each line of a multi-line secret (a PEM private key), since an error may quote one;
 * - XML-escaped (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;`), as a token placed in a SOAP
 *   envelope (`$auth{token}`) is sent, and as a fault echoing the envelope would quote it.
 *
 * Pairs (HTTP Basic) are expanded by `pairForms`: base64 of `user:password`, exactly,
 * when both halves are known (both credentials, or one an input).
 */
import { XML_ENTITIES } from '../core/template-encoding';

/** A base64 core shorter than this would match ordinary words (8 characters = 6 bytes). */
const MIN_CORE = 8;
/** A line of a multi-line secret shorter than this is not scrubbed alone (PEM headers are public). */
const MIN_LINE = 16;
/** A word of a secret at least this long is scrubbed alone (see `secretForms`). */
const MIN_WORD = 12;

export function secretForms(secret: string): string[] {
  if (!secret) return [];
  const forms = new Set<string>();
  const add = (form: string) => {
    if (form) forms.add(form);
  };
  add(secret);
  // JSON-escaped once, and again for each level a vendor nests it (a JSON body quoted inside a JSON error).
  let escaped = secret;
  for (let level = 0; level < 3; level++) {
    escaped = JSON.stringify(escaped).slice(1, -1);
    add(escaped);
  }
  add(asciiJson(secret));
  add(xmlEscaped(secret));
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams([['', secret]]).toString().slice(1);
  for (const encoded of [uri, form]) {
    add(encoded);
    add(lowerHex(encoded));
  }
  for (const text of new Set([secret, uri])) {
    const bytes = Buffer.from(text, 'utf8');
    for (const b64 of base64Forms(bytes)) add(b64);
    for (const core of base64Cores(bytes)) add(core);
  }
  // Parsers quote the token they stopped at, not the whole value: QuickJS's JSON.parse of
  // `sk_live_51Tpl +/=` says "unexpected token: 'sk_live_51Tpl'". So each long run of
  // letters, digits, `_` and `-` inside a secret is scrubbed on its own too.
  for (const word of secret.match(/[A-Za-z0-9_-]+/g) ?? []) if (word.length >= MIN_WORD && word !== secret) add(word);
  if (/[\r\n]/.test(secret)) {
    for (const line of secret.split(/\r?\n|\r/)) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE && !/^-----(BEGIN|END) /.test(trimmed)) add(trimmed);
    }
  }
  return [...forms];
}

/**
 * HTTP Basic and similar pairs: base64 of `user:password` (raw and with each half
 * URL-encoded, as OAuth 2 client authentication sends it) and IMAP's PLAIN
 * `\0user\0password`. The user half alone is not scrubbed by this: only the pair.
 */
export function pairForms(user: string, password: string): string[] {
  if (!password) return [];
  const forms = new Set<string>();
  const pairs = [
    `${user}:${password}`,
    `${encodeURIComponent(user)}:${encodeURIComponent(password)}`,
    `\0${user}\0${password}`,
    `${user}\0${user}\0${password}`,
  ];
  for (const pair of pairs) for (const b64 of base64Forms(Buffer.from(pair, 'utf8'))) forms.add(b64);
  return [...forms];
}

function base64Forms(bytes: Buffer): string[] {
  const padded = bytes.toString('base64');
  return [padded, padded.replace(/=+$/, ''), bytes.toString('base64url')];
}

/**
 * The base64 characters that depend on the secret's bytes alone, for each of the three
 * offsets it may sit at inside a longer byte string. At offset k (mod 3), the first
 * (3 − k) mod 3 bytes share a group with the bytes before them; whole 3-byte groups
 * follow, each giving 4 characters of its own.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (const skip of [0, 1, 2]) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole <= 0) continue;
    const core = bytes.subarray(skip, skip + whole).toString('base64');
    if (core.length < MIN_CORE) continue;
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

function asciiJson(secret: string): string {
  return JSON.stringify(secret)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
}

/** As an XML body carries it: escapeXml's entities, without its refusal of control characters. */
function xmlEscaped(secret: string): string {
  return secret.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}
