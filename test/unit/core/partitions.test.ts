/** `partitions`: validation names each mistake by path; list inputs become partition ids or are refused naming the value. */
import fs from 'node:fs';
import path from 'node:path';
import { partitionIdsOf } from '../../../core/partitions';
import { checkVendorConfig, validateVendorConfig } from '../../../core/validate';
import { problemsOf } from '../helpers/config-problems';

const GOOGLE_ADS = path.join(__dirname, '..', '..', '..', 'vendors', 'google-ads', 'config.json');
const googleAds = () => JSON.parse(fs.readFileSync(GOOGLE_ADS, 'utf8'));

test('the committed google-ads config partitions campaign_daily by its customer_id list input', () => {
  const config = googleAds();
  expect(() => validateVendorConfig(config, GOOGLE_ADS, 'google-ads')).not.toThrow();
  expect(config.streams.campaign_daily.partitions).toEqual({ input: 'customer_id', concurrency: 2 });
});

test('partitions take exactly one source, a list input or a listing stream with its column', () => {
  const config = googleAds();
  const stream = config.streams.campaign_daily;
  stream.partitions = { input: 'customer_id', stream: 'campaign_daily' };
  expect(problemsOf(config, 'google-ads')).toContainEqual({ path: '$.streams.campaign_daily.partitions', message: 'takes exactly one of "input" (a list input) or "stream" (a stream listing them)' });
  stream.partitions = { input: 'login_customer_id' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.partitions.input', message: 'input "login_customer_id" is of type string; partitions come from a "list" input' }]);
  stream.partitions = { input: 'accounts' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.partitions.input', message: '"accounts" is not one of the vendor\'s inputs' }]);
  stream.partitions = { stream: 'campaign_daily', column: 'customer_id' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.partitions.stream', message: '"campaign_daily" cannot list partitions: it is this stream' }]);
  config.streams.accounts = { ...JSON.parse(JSON.stringify(stream)), partitions: undefined };
  delete config.streams.accounts.partitions;
  config.streams.accounts.table.columns[0] = { name: 'customer_id', type: 'string', source: 'record.customer.id' };
  stream.partitions = { stream: 'accounts' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.partitions', message: 'missing required field "column": which column of the listing stream holds the ids' }]);
  stream.partitions = { stream: 'accounts', column: 'account_id' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.partitions.column', message: '"account_id" is not a column of stream accounts\'s table' }]);
  stream.partitions = { stream: 'accounts', column: 'customer_id' };
  expect(() => validateVendorConfig(config, GOOGLE_ADS, 'google-ads')).not.toThrow();
});

test('a partitioned table has one partition column, in its key; a partition column needs partitions', () => {
  const config = googleAds();
  const table = config.streams.campaign_daily.table;
  table.primaryKey = ['campaign_id', 'date'];
  expect(problemsOf(config, 'google-ads')).toEqual([
    { path: '$.streams.campaign_daily.table.primaryKey', message: 'must include "customer_id", the partition column: without it, partitions overwrite each other\'s rows' },
  ]);
  table.primaryKey = ['customer_id', 'campaign_id', 'date'];
  table.columns[0] = { name: 'customer_id', type: 'string', source: 'record.customer.id' };
  expect(problemsOf(config, 'google-ads')).toEqual([
    { path: '$.streams.campaign_daily.table.columns', message: 'a partitioned stream needs exactly one column with metadata "partition" (found 0), so each row names its partition' },
  ]);
  delete config.streams.campaign_daily.partitions;
  table.columns[0] = { name: 'customer_id', type: 'string', metadata: 'partition' };
  expect(problemsOf(config, 'google-ads')).toContainEqual({ path: '$.streams.campaign_daily.table.columns[0].metadata', message: '"partition" needs the stream to have `partitions`' });
});

test('partition ids of a list input: distinct, in order, a plain string is a list of one, bad ids named by index', () => {
  expect(partitionIdsOf(['123', 456, '123', 'act_9'], 'input x', 10)).toEqual(['123', '456', 'act_9']);
  expect(partitionIdsOf('123', 'input x', 10)).toEqual(['123']);
  expect(() => partitionIdsOf([], 'input x', 10)).toThrow('input x is an empty list: there is no partition to run');
  expect(() => partitionIdsOf(['1', '../2'], 'input x', 10)).toThrow('input x[1] "../2" is not a partition id');
  expect(() => partitionIdsOf(['1', null], 'input x', 10)).toThrow('input x[1] is null, not a string');
  expect(() => partitionIdsOf(['1', '2', '3'], 'input x', 2)).toThrow('input x holds 3 partitions; at most 2 per run');
  expect(() => partitionIdsOf({ a: 1 }, 'input x', 2)).toThrow('input x must be a list of ids');
});

test('load modes: replaceWindow needs a date or timestamp windowColumn of the table; the others take none', () => {
  const config = googleAds();
  const table = config.streams.campaign_daily.table;
  expect(table.load).toEqual({ mode: 'replaceWindow', windowColumn: 'date' });
  table.load = { mode: 'replaceWindow' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.table.load', message: 'missing required field "windowColumn": mode "replaceWindow" deletes the window\'s rows by that column' }]);
  table.load = { mode: 'replaceWindow', windowColumn: 'clicks' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.table.load.windowColumn', message: 'column "clicks" is of type integer; a window is read from a date or timestamp column' }]);
  table.load = { mode: 'replaceWindow', windowColumn: 'day' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.table.load.windowColumn', message: '"day" is not one of the table\'s columns' }]);
  table.load = { mode: 'append', windowColumn: 'date' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: '$.streams.campaign_daily.table.load.windowColumn', message: 'goes with mode "replaceWindow" only' }]);
  table.load = { mode: 'upsert' };
  expect(problemsOf(config, 'google-ads').map((p) => p.path)).toEqual(['$.streams.campaign_daily.table.load.mode']);
});

test('load.dedupBy: a column of the table, outside the key, of a type that orders', () => {
  const config = googleAds();
  const table = config.streams.campaign_daily.table;
  const at = '$.streams.campaign_daily.table.load.dedupBy';
  table.load = { mode: 'merge', dedupBy: 'clicks' };
  expect(() => checkVendorConfig(JSON.parse(JSON.stringify(config)), 'google-ads')).not.toThrow();
  table.load = { mode: 'merge', dedupBy: 'updated_at' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: at, message: '"updated_at" is not one of the table\'s columns' }]);
  table.load = { mode: 'merge', dedupBy: 'date' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: at, message: '"date" is part of the key: every copy of a key has the same value' }]);
  table.columns.push({ name: 'removed', type: 'boolean', source: 'record.removed' });
  table.load = { mode: 'merge', dedupBy: 'removed' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: at, message: 'column "removed" is of type boolean, which does not say which copy is newer' }]);
});
