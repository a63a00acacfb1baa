/**
 * `poll.empty`: statuses of a job that ended with nothing to deliver. They end the polling
 * as `done` (the workflow is unchanged), the download gives no records, and validation
 * says where such a status cannot work.
 */
import { endedEmpty, jobState } from '../../../core/async-job';
import { problemsOf } from '../helpers/config-problems';
import fs from 'node:fs';
import path from 'node:path';

const poll = { request: { path: '/r' }, status: 'response.s', done: ['DONE'], failed: ['FATAL'], empty: ['CANCELLED'], intervalSeconds: 1, timeoutMinutes: 1 };

test('an empty status is done for the polling, and told apart for the download', () => {
  expect(jobState(poll, 'CANCELLED')).toBe('done');
  expect(endedEmpty(poll, 'CANCELLED')).toBe(true);
  expect(endedEmpty(poll, 'DONE')).toBe(false);
  expect(jobState(poll, 'FATAL')).toBe('failed');
  expect(jobState({ ...poll, empty: undefined }, 'CANCELLED')).toBe('running');
});

test('validation: poll.empty needs a download of a row format, and a status means one thing', () => {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'amazon-selling-partner', 'config.json'), 'utf8'));
  const step = Object.values(config.streams as Record<string, { steps: any[] }>)[0].steps[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const stream = Object.keys(config.streams)[0];
  step.poll.empty = ['CANCELLED', 'FATAL'];
  step.decode = { format: 'json' };
  expect(problemsOf(config, 'amazon-selling-partner')).toEqual([
    { path: `$.streams.${stream}.steps[0].poll.empty`, message: 'needs a row format (ndjson, csv, tsv) in decode.format, whose empty file is no records; json is not one' },
    { path: `$.streams.${stream}.steps[0].poll.empty`, message: '"FATAL" is also in poll.done or poll.failed; a status means one thing' },
  ]);
});
