/**
 * One secret scope per activity execution: what is revealed inside is scrubbed from the
 * failure leaving it and from its log lines, and nothing leaks across executions.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import { currentScrubber, registerPair, registerSecret, scopedScrubbingLogger, scrubbingLogger, withSecretScope } from '../../../activities/secret-scope';
import { REDACTED, Scrubber } from '../../../activities/secret-scrub';

test('a failure leaves the activity scrubbed of what was revealed in it, type and retry policy kept', async () => {
  const activity = withSecretScope(async (secret: string) => {
    registerSecret(secret);
    throw ApplicationFailure.create({ type: 'VendorThrottled', message: `quota for ${secret}`, nonRetryable: false, nextRetryDelay: 5000 });
  });
  const error = (await activity('sk_live_51abcdef').catch((e) => e)) as ApplicationFailure;
  expect(error.message).toBe(`quota for ${REDACTED}`);
  expect([error.type, error.nonRetryable, error.nextRetryDelay]).toEqual(['VendorThrottled', false, 5000]);
  expect(error.stack).not.toContain('sk_live_51abcdef');
});

test('any error, not only ApplicationFailure (a template that throws quoting the secret)', async () => {
  const activity = withSecretScope(async () => {
    registerSecret('sk_live_51abcdef');
    BigInt('sk_live_51abcdef');
  });
  const error = (await activity().catch((e) => e)) as Error;
  expect(error).toBeInstanceOf(SyntaxError);
  expect(error.message).toBe(`Cannot convert ${REDACTED} to a BigInt`);
});

test('a Basic pair registered with a user that is not secret', async () => {
  const activity = withSecretScope(async () => {
    registerPair('report-user', 'pw');
    throw new Error(`sent Authorization: Basic ${Buffer.from('report-user:pw').toString('base64')} as report-user`);
  });
  expect(((await activity().catch((e) => e)) as Error).message).toBe(`sent Authorization: Basic ${REDACTED} as report-user`);
});

test('executions running at once do not see each other\'s secrets; outside any, registering does nothing', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const a = withSecretScope(async () => {
    registerSecret('secret-of-a');
    await gate;
    return currentScrubber()!.scrub('secret-of-a secret-of-b');
  });
  const b = withSecretScope(async () => {
    registerSecret('secret-of-b');
    await gate;
    return currentScrubber()!.scrub('secret-of-a secret-of-b');
  });
  const both = Promise.all([a(), b()]);
  release();
  expect(await both).toEqual([`${REDACTED} secret-of-b`, `secret-of-a ${REDACTED}`]);
  registerSecret('nowhere');
  expect(currentScrubber()).toBeUndefined();
});

test('the scrubbing logger scrubs the message and every string of its metadata', () => {
  const lines: [LogLevel, string, LogMetadata | undefined][] = [];
  const inner = { log: (level: LogLevel, message: string, meta?: LogMetadata) => lines.push([level, message, meta]) } as unknown as Logger;
  const logger = scrubbingLogger(inner, new Scrubber(['hunter2-long']));
  const error = new Error('refused hunter2-long');
  logger.warn('login with hunter2-long failed', { error, body: { echoed: ['aHVudGVyMi1sb25n'] }, attempt: 2 });
  expect(lines[0][0]).toBe('WARN');
  expect(lines[0][1]).toBe(`login with ${REDACTED} failed`);
  expect(JSON.stringify(lines[0][2]?.body)).toBe(JSON.stringify({ echoed: [REDACTED] }));
  expect(lines[0][2]?.attempt).toBe(2);
  expect(error.message).toBe(`refused ${REDACTED}`);
});

test('the Runtime logger scrubs lines written inside an execution, and leaves others alone', async () => {
  const lines: string[] = [];
  const inner = { log: (_level: LogLevel, message: string) => lines.push(message) } as unknown as Logger;
  const logger = scopedScrubbingLogger(inner);
  await withSecretScope(async () => {
    registerSecret('runtime-secret-1');
    logger.info('inside: runtime-secret-1');
  })();
  logger.info('outside: runtime-secret-1');
  expect(lines).toEqual([`inside: ${REDACTED}`, 'outside: runtime-secret-1']);
});
