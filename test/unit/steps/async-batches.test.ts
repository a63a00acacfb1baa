/**
 * An async step with `items`: a job per batch of an earlier step's items. Planned with
 * where the items come from and the batch size; validation names fields that need `items`
 * and a `from` that is not an earlier step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { planAsync } from '../../../steps/async/plan';
import { problemsOf } from '../helpers/config-problems';

const xAds = () => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'x-ads', 'config.json'), 'utf8'));

test('the plan says where the items come from and how many go in a job', () => {
  const config = xAds();
  const steps = config.streams.campaign_stats_daily.steps;
  expect(planAsync(steps[1], { index: 1, all: steps }).batches).toEqual({ from: 0, batchSize: 20 });
  const { items: _items, batchSize: _size, ...single } = steps[1];
  expect(planAsync(single, { index: 1, all: steps }).batches).toBeUndefined();
});

test('validation: from and batchSize need items, and from names an earlier step', () => {
  const config = xAds();
  const step = config.streams.campaign_stats_daily.steps[1];
  step.from = 'stats_job';
  const at = '$.streams.campaign_stats_daily.steps[1]';
  expect(problemsOf(config, 'x-ads')).toEqual([{ path: `${at}.from`, message: '"stats_job" is not an earlier step of this stream' }]);
  delete step.items;
  expect(problemsOf(config, 'x-ads')).toEqual([
    { path: `${at}.batchSize`, message: 'applies only with `items` (a job per batch of an earlier step\'s items)' },
    { path: `${at}.from`, message: 'applies only with `items` (a job per batch of an earlier step\'s items)' },
  ]);
});
