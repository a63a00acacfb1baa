/**
 * Stored response bodies are scrubbed with the same spellings as failures, including a
 * secret split across chunks at any byte.
 */
import { Readable } from 'node:stream';
import { RedactStream } from '../../../activities/redact-stream';
import { REDACTED } from '../../../activities/secret-scrub';

const SECRET = 'EAAB tok/en+"é"';

async function through(chunks: Buffer[], secrets: string[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(new RedactStream(secrets))) out.push(Buffer.from(c));
  return Buffer.concat(out).toString('utf8');
}

const body = [
  `{"raw":"${JSON.stringify(SECRET).slice(1, -1)}"`,
  `"next":"https://graph.example.com/x?access_token=${encodeURIComponent(SECRET)}&after=9"`,
  `"form":"a=1&t=${new URLSearchParams({ t: SECRET }).toString().slice(2)}"`,
  `"b64":"${Buffer.from(SECRET).toString('base64')}","b64url":"${Buffer.from(SECRET).toString('base64url')}"`,
  `"basic":"${Buffer.from(`someone:${SECRET}`).toString('base64')}"}`,
].join(',');

test('every spelling is scrubbed, whatever byte the chunks are cut at', async () => {
  const bytes = Buffer.from(body);
  const whole = await through([bytes], [SECRET]);
  expect(whole).not.toContain(encodeURIComponent(SECRET));
  expect(whole).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
  expect(whole.split(REDACTED).length - 1).toBe(6);
  for (let cut = 1; cut < bytes.length; cut += 3) {
    expect(await through([bytes.subarray(0, cut), bytes.subarray(cut)], [SECRET])).toBe(whole);
  }
  // One byte at a time: multi-byte characters split too.
  expect(await through([...bytes].map((b) => Buffer.from([b])), [SECRET])).toBe(whole);
});

test('text without secrets passes unchanged', async () => {
  expect(await through([Buffer.from('{"a":1}')], [SECRET])).toBe('{"a":1}');
});
