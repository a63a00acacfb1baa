/**
 * Secret redaction and failure constructors. A secret must never reach an error message, a
 * log or workflow history, which the Temporal Web UI shows whole (DESIGN invariant 2).
 */
import { finalFailure, redact, retryableFailure } from '../../../activities/failures';
import { NON_RETRYABLE } from '../../../core/failure-types';

describe('redact', () => {
  test('removes every occurrence of a secret', () => {
    expect(redact('401 for key sk_live_abcdef; retried with sk_live_abcdef', ['sk_live_abcdef'])).toBe(
      '401 for key [redacted]; retried with [redacted]',
    );
  });

  test('removes the URL-encoded form too (secrets sent in a query string)', () => {
    const secret = 'p@ss w/rd+1';
    const url = `GET https://api.example.com/v1?api_key=${encodeURIComponent(secret)}&x=1 failed`;
    const out = redact(url, [secret]);
    expect(out).toBe('GET https://api.example.com/v1?api_key=[redacted]&x=1 failed');
    expect(out).not.toContain(encodeURIComponent(secret));
  });

  test('removes both forms when both appear', () => {
    const secret = 's3cr3t+/x';
    const out = redact(`raw ${secret} encoded ${encodeURIComponent(secret)}`, [secret]);
    expect(out).toBe('raw [redacted] encoded [redacted]');
  });

  test('handles several secrets', () => {
    expect(redact('id=client-123 secret=hunter22', ['client-123', 'hunter22'])).toBe('id=[redacted] secret=[redacted]');
  });

  test('secrets are matched literally, not as regular expressions', () => {
    expect(redact('a.b.c.d and axbxcxd', ['a.b.c.d'])).toBe('[redacted] and axbxcxd');
    expect(redact('($^*) here', ['($^*)'])).toBe('[redacted] here');
  });

  test('very short secrets (under 4 characters) are redacted only as whole tokens, so ordinary text is not shredded', () => {
    expect(redact('a b c abc abcd cab', ['abc', 'a', ''])).toBe('[redacted] b c [redacted] abcd cab');
  });

  test('a 4-character secret is redacted', () => {
    expect(redact('token abcd', ['abcd'])).toBe('token [redacted]');
  });

  test('text without secrets, or no secrets at all, is unchanged', () => {
    expect(redact('nothing to hide', ['hunter22'])).toBe('nothing to hide');
    expect(redact('nothing to hide', [])).toBe('nothing to hide');
  });
});

describe('failures', () => {
  test('finalFailure is non-retryable and keeps type and message', () => {
    const f = finalFailure('ConfigError', 'bad config');
    expect(f.type).toBe('ConfigError');
    expect(f.message).toBe('bad config');
    expect(f.nonRetryable).toBe(true);
  });

  test('retryableFailure is retryable and carries the delay only when given', () => {
    const plain = retryableFailure('VendorThrottled', 'slow down');
    expect(plain.nonRetryable).toBe(false);
    expect(plain.nextRetryDelay).toBeUndefined();
    const delayed = retryableFailure('VendorThrottled', 'slow down', 30_000);
    expect(delayed.nextRetryDelay).toBe(30_000);
  });

  test('input, config and credential errors are final; they cannot be fixed by retrying', () => {
    expect(NON_RETRYABLE).toEqual(expect.arrayContaining(['ConfigError', 'UnknownVendorError', 'InputError', 'CredentialError']));
  });
});
