/** The static kind: records written in the config validate, plan, and feed a dependent step. */
import fs from 'node:fs';
import path from 'node:path';
import { checkVendorConfig } from '../../../interpreter/validate';
import { stepKindOf } from '../../../steps/registry';

const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'demo-ads', 'config.json'), 'utf8'));
config.streams.campaign_daily.steps = [
  { kind: 'static', name: 'report_types', data: [{ type: 'campaign' }, { type: 'ad' }] },
  { kind: 'dependent', name: 'stats', request: { path: '/v1/stats/${parent.type}' }, items: 'response' },
];

test('a static step validates, plans by name and is described with its record count', () => {
  const step = checkVendorConfig(config, 'test').config.streams.campaign_daily.steps[0];
  expect(stepKindOf('static').plan(step as never, { index: 0, all: [step] })).toEqual({ name: 'report_types', kind: 'static' });
  expect(stepKindOf('static').describe(step as never)).toBe('static (2 records)');
});

test('its data are JSON objects', () => {
  const bad = structuredClone(config);
  bad.streams.campaign_daily.steps[0].data = ['campaign'];
  expect(() => checkVendorConfig(bad, 'test')).toThrow(/\$\.streams\.campaign_daily\.steps\[0\]\.data\[0\]: expected object/);
});
