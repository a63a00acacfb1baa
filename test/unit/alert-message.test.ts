import { alertError, slackMessage } from '../../adapters/alerts/slack-message';
import { alertFor, incidentKeys } from '../../adapters/alerts/incident-rules';

test('credential-shaped text is masked, and the message is one line, cut short', () => {
  expect(alertError('GET https://api.x/v1?access_token=abc123&x=1 answered 401: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig\n{"client_secret": "s3cr3t"}')).toBe(
    'GET https://api.x/v1?access_token=***&x=1 answered 401: Bearer *** {"client_secret": "***"}',
  );
  expect(alertError('fetch https://user:pa55word@ftp.example.com/file failed')).toBe('fetch https://***@ftp.example.com/file failed');
  expect(alertError('x'.repeat(600))).toBe(`${'x'.repeat(500)}…`);
});

test('a failed run alerts; a partition only on its second failure in a row; cancellations never', () => {
  const run = { vendor: 'v', customer: 'c', stream: 's' };
  expect(alertFor({ ...run, status: 'failed' }, 7)).toBe('run-failed');
  expect(alertFor({ ...run, partition: 'p', status: 'failed' }, 1)).toBeUndefined();
  expect(alertFor({ ...run, partition: 'p', status: 'failed' }, 2)).toBe('partition-failing-twice');
  expect(alertFor({ ...run, partition: 'p', status: 'failed' }, 3)).toBeUndefined();
  expect(alertFor({ ...run, status: 'cancelled' }, 1)).toBeUndefined();
  expect(incidentKeys({ ...run, partition: 'p', status: 'failed' }).incident('partition-failing-twice')).toBe('dif-alert:v:c:s:partition:p:partition-failing-twice');
});

test('the Slack message carries vendor, customer, stream, window, error and the Web UI link', () => {
  const message = slackMessage({ kind: 'run-failed', vendor: 'v', customer: 'c', stream: 's', window: { from: '2026-12-01', to: '2026-12-02' }, error: 'boom', link: 'http://ui/run' });
  expect(message.text).toBe('DIF run failed: v / c / s, window 2026-12-01 – 2026-12-02: boom');
  expect(JSON.stringify(message.blocks)).toContain('<http://ui/run|Open the run in the Temporal Web UI>');
});
