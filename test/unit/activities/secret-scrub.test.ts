/**
 * The scrubber's spellings of a secret, its rule for very short secrets, and what it does
 * to errors: each spelling a secret can take in a message must come out as [redacted].
 */
import vm from 'node:vm';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { pairForms, secretForms } from '../../../activities/secret-forms';
import { REDACTED, Scrubber } from '../../../activities/secret-scrub';

const SECRET = 'sk_live_51 p@ss/w+rd="q"\\é';

/** How each encoding writes the secret, made independently of secret-forms.ts. */
const encodings: Record<string, (s: string) => string> = {
  raw: (s) => s,
  encodeURIComponent: (s) => encodeURIComponent(s),
  'URL, lower-case hex': (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
  'form (URLSearchParams)': (s) => new URLSearchParams({ k: s }).toString().slice(2),
  base64: (s) => Buffer.from(s).toString('base64'),
  'base64 unpadded': (s) => Buffer.from(s).toString('base64').replace(/=+$/, ''),
  base64url: (s) => Buffer.from(s).toString('base64url'),
  'JSON string': (s) => JSON.stringify(s).slice(1, -1),
  'JSON string inside a JSON string': (s) => JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1),
  'JSON string three levels deep': (s) => JSON.stringify(JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1)).slice(1, -1),
  'JSON, ASCII only': (s) => JSON.stringify(s).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
};

describe('every encoding of a secret is scrubbed', () => {
  const scrubber = new Scrubber([SECRET]);
  for (const [name, encode] of Object.entries(encodings)) {
    test(name, () => {
      const text = `before ${encode(SECRET)} after`;
      expect(text).not.toBe(`before ${SECRET} after`.replace(SECRET, REDACTED)); // the encoding is really there
      expect(scrubber.scrub(text)).toBe(`before ${REDACTED} after`);
    });
  }

  test('the form encoding really differs from encodeURIComponent (+ for a space)', () => {
    expect(encodings['form (URLSearchParams)'](SECRET)).toContain('+');
    expect(encodings['form (URLSearchParams)'](SECRET)).not.toBe(encodeURIComponent(SECRET));
  });

  test('a secret inside a JSON document and inside a query string', () => {
    const body = JSON.stringify({ error: { message: `bad key ${SECRET}` } });
    expect(scrubber.scrub(body)).toBe(JSON.stringify({ error: { message: `bad key ${REDACTED}` } }).replace(/\\/g, ''));
    const url = new URL('https://api.example.com/x');
    url.searchParams.set('key', SECRET);
    expect(scrubber.scrub(url.href)).toBe(`https://api.example.com/x?key=${REDACTED}`);
  });

  test('secrets are matched literally, not as regular expressions', () => {
    const s = new Scrubber(['a.b.c.d', '($^*)']);
    expect(s.scrub('a.b.c.d and axbxcxd; ($^*) here')).toBe(`${REDACTED} and axbxcxd; ${REDACTED} here`);
  });
});

describe('base64 inside longer base64 (Basic pairs, PLAIN)', () => {
  const password = 'correct-horse-battery';
  const scrubber = new Scrubber([password]);

  test.each(['u', 'us', 'usr', 'someone@example.com', ''])('base64(%p:password): no 6 bytes of the password readable', (user) => {
    const header = `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const out = scrubber.scrub(header);
    expect(out).toContain(REDACTED);
    // What is left decodes to at most 2 bytes of the password at either end.
    const left = out.replace('Authorization: Basic ', '').split(REDACTED).join('');
    const decoded = Buffer.from(left, 'base64').toString('latin1');
    expect(decoded).not.toContain(password.slice(2, 8));
    expect(decoded).not.toContain(password.slice(-8, -2));
  });

  test('an exact pair is scrubbed whole, even with short halves', () => {
    const s = new Scrubber();
    s.addPair('ab', 'xyz');
    expect(s.scrub(`Basic ${Buffer.from('ab:xyz').toString('base64')}`)).toBe(`Basic ${REDACTED}`);
    // OAuth 2 client authentication URL-encodes each half before base64.
    const t = new Scrubber();
    t.addPair('client id', 'se cret');
    expect(t.scrub(Buffer.from('client%20id:se%20cret').toString('base64'))).toBe(REDACTED);
  });

  test('IMAP AUTHENTICATE PLAIN', () => {
    expect(pairForms('me', 'pw12')).toContain(Buffer.from('\0me\0pw12').toString('base64'));
  });
});

describe('very short secrets (under 4 characters)', () => {
  const scrubber = new Scrubber(['42']);

  test('are scrubbed where they stand alone', () => {
    expect(scrubber.scrub('Cannot convert 42 to a BigInt')).toBe(`Cannot convert ${REDACTED} to a BigInt`);
    expect(scrubber.scrub('GET /x?key=42&y=1')).toBe(`GET /x?key=${REDACTED}&y=1`);
    expect(scrubber.scrub('{"key":"42"}')).toBe(`{"key":"${REDACTED}"}`);
    expect(scrubber.scrub('42')).toBe(REDACTED);
  });

  test('are left inside longer words and numbers, so messages stay readable', () => {
    expect(scrubber.scrub('page 142 of a4201, 4242')).toBe('page 142 of a4201, 4242');
  });

  test('a one-letter secret does not shred the message', () => {
    expect(new Scrubber(['a']).scrub('answered 401: a bad request')).toBe(`answered 401: ${REDACTED} bad request`);
  });

  test('their base64 is scrubbed as a whole token too', () => {
    expect(scrubber.scrub(`x ${Buffer.from('42').toString('base64')} y`)).toBe(`x ${REDACTED} y`);
  });

  test('a 4-character secret is scrubbed anywhere, as before', () => {
    expect(new Scrubber(['abcd']).scrub('token xabcdx')).toBe(`token x${REDACTED}x`);
  });

  test('the data-safe scrubber of stored bodies leaves them alone (they would corrupt the data)', () => {
    expect(new Scrubber(['42'], { dataSafe: true }).scrub('{"clicks":42}')).toBe('{"clicks":42}');
    expect(new Scrubber(['4242'], { dataSafe: true }).scrub('{"k":"4242"}')).toBe(`{"k":"${REDACTED}"}`);
  });

  test('the empty string is no secret', () => {
    expect(new Scrubber(['']).scrub('nothing hidden')).toBe('nothing hidden');
    expect(secretForms('')).toEqual([]);
  });
});

describe('multi-line secrets', () => {
  test('each line of a private key is scrubbed alone, the public PEM markers are not', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----';
    const out = new Scrubber([key]).scrub('parse error near b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ in -----BEGIN OPENSSH PRIVATE KEY-----');
    expect(out).toBe(`parse error near ${REDACTED} in -----BEGIN OPENSSH PRIVATE KEY-----`);
  });
});

describe('errors', () => {
  const secret = 'tok_9f8e7d6c5b';
  const scrubber = new Scrubber([secret]);

  test('message, stack, details and the whole cause chain; type and retry policy kept', () => {
    const root = new SyntaxError(`Cannot convert ${secret} to a BigInt`);
    const middle = new Error(`auth header: ${encodeURIComponent(secret)}`, { cause: root });
    const failure = ApplicationFailure.create({
      type: 'VendorThrottled',
      message: `429 for ${secret}`,
      nonRetryable: false,
      nextRetryDelay: 30_000,
      details: [{ echoed: Buffer.from(secret).toString('base64'), nested: [secret] }],
      cause: middle,
    });
    const out = scrubber.scrubError(failure) as ApplicationFailure;
    expect(out).toBe(failure);
    expect(out.type).toBe('VendorThrottled');
    expect(out.nonRetryable).toBe(false);
    expect(out.nextRetryDelay).toBe(30_000);
    expect(out.message).toBe(`429 for ${REDACTED}`);
    expect(JSON.stringify(out.details)).toBe(JSON.stringify([{ echoed: REDACTED, nested: [REDACTED] }]));
    expect(out.cause).toBe(middle);
    expect(middle.message).toBe(`auth header: ${REDACTED}`);
    expect(root.message).toBe(`Cannot convert ${REDACTED} to a BigInt`);
    for (const e of [out, middle, root]) expect(e.stack).not.toContain(secret);
    expect(root).toBeInstanceOf(SyntaxError);
  });

  test('a final failure stays final', () => {
    const out = scrubber.scrubError(ApplicationFailure.create({ type: 'ConfigError', message: secret, nonRetryable: true })) as ApplicationFailure;
    expect([out.type, out.nonRetryable, out.message]).toEqual(['ConfigError', true, REDACTED]);
  });

  test('own fields of an error (an expression error quotes its expression)', () => {
    const e = Object.assign(new Error('x'), { expression: `secrets.k + "${secret}"`, where: 'vendor: $.auth.value' });
    scrubber.scrubError(e);
    expect(e.expression).toBe(`secrets.k + "${REDACTED}"`);
    expect(e.where).toBe('vendor: $.auth.value');
  });

  test('a cancellation stays a cancellation', () => {
    const e = new CancelledFailure(`cancelled while sending ${secret}`);
    expect(scrubber.scrubError(e)).toBeInstanceOf(CancelledFailure);
    expect(e.message).toBe(`cancelled while sending ${REDACTED}`);
  });

  test('a frozen error is replaced by a scrubbed copy with the same type and policy', () => {
    const e = Object.freeze(ApplicationFailure.create({ type: 'VendorError', message: `x ${secret}`, nonRetryable: true }));
    const out = scrubber.scrubError(e) as ApplicationFailure;
    expect([out.type, out.nonRetryable, out.message]).toEqual(['VendorError', true, `x ${REDACTED}`]);
    expect(out.stack).not.toContain(secret);
  });

  test('a thrown string becomes a scrubbed error', () => {
    expect(scrubber.scrubError(`oops ${secret}`).message).toBe(`oops ${REDACTED}`);
  });

  test('a cyclic cause chain ends', () => {
    const a = new Error(secret);
    const b = new Error(secret, { cause: a });
    (a as { cause?: unknown }).cause = b;
    scrubber.scrubError(a);
    expect([a.message, b.message]).toEqual([REDACTED, REDACTED]);
  });
});

describe('a long word of a secret, quoted alone by a parser', () => {
  // QuickJS's JSON.parse quotes the token it stopped at, not the whole value.
  test('is scrubbed; short words and the rest of the text are not', () => {
    const scrubber = new Scrubber(['sk_live_51TplQz9 +/="\\xs']);
    expect(scrubber.scrub(`failed: unexpected token: 'sk_live_51TplQz9'`)).toBe(`failed: unexpected token: '${REDACTED}'`);
    expect(scrubber.scrub('xs and live stay')).toBe('xs and live stay');
  });
});

describe('errors from another realm', () => {
  // Node's own modules make their errors in the main realm; under jest the global Error is
  // the sandbox's, so `instanceof Error` is false for a refused connection's error.
  test('are scrubbed in place, keeping their code and inner errors, not turned into text', () => {
    const scrubber = new Scrubber(['sk_live_51realm']);
    const foreign = vm.runInNewContext(`(() => { const e = new Error('connect refused sk_live_51realm'); e.code = 'ECONNREFUSED'; const a = new AggregateError([e], ''); return a; })()`) as Error & { errors: (Error & { code: string })[] };
    const scrubbed = scrubber.scrubError(foreign);
    expect(scrubbed).toBe(foreign);
    expect(foreign.errors[0].code).toBe('ECONNREFUSED');
    expect(foreign.errors[0].message).toBe(`connect refused ${REDACTED}`);
  });
});
