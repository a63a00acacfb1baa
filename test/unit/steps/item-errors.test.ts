/** onItemError: validation names its mistakes by path; an ignored item is named as the summary shows it. */
import fs from 'node:fs';
import path from 'node:path';
import { ignoredItemName } from '../../../steps/dependent/item-errors';
import { ignoredOf, ignoredWords } from '../../../workflows/ignored-items';
import { validateVendorConfig } from '../../../core/validate';
import { problemsOf } from '../helpers/config-problems';

const LINKEDIN = path.join(__dirname, '..', '..', '..', 'vendors', 'linkedin-ads', 'config.json');
const linkedin = () => JSON.parse(fs.readFileSync(LINKEDIN, 'utf8'));
const campaignsStep = (config: any) => config.streams.campaign_analytics_daily.steps.find((s: { name: string }) => s.name === 'campaigns'); // eslint-disable-line @typescript-eslint/no-explicit-any

test('the committed linkedin-ads config ignores 403 ACCESS_DENIED per account', () => {
  const config = validateVendorConfig(linkedin(), LINKEDIN, 'linkedin-ads');
  expect(campaignsStep(config).onItemError).toEqual([{ status: [403], when: "response?.code === 'ACCESS_DENIED'", outcome: 'ignore' }]);
});

test('a rule names its status range, its outcome and its expression by path', () => {
  const config = linkedin();
  campaignsStep(config).onItemError = [{ status: [200], outcome: 'skip' }];
  expect(problemsOf(config, 'linkedin-ads').map((p) => p.path)).toEqual([
    '$.streams.campaign_analytics_daily.steps[1].onItemError[0].status[0]',
    '$.streams.campaign_analytics_daily.steps[1].onItemError[0].outcome',
  ]);
  campaignsStep(config).onItemError = [{ status: [404], when: 'response.code ===', outcome: 'ignore' }];
  expect(problemsOf(config, 'linkedin-ads').map((p) => p.path)).toEqual(['$.streams.campaign_analytics_daily.steps[1].onItemError[0].when']);
});

test('ignored items: named by their JSON (cut at 120 characters) and status; counted past the first 20', () => {
  expect(ignoredItemName({ id: 7 }, 404)).toBe('{"id":7} (404)');
  expect(ignoredItemName({ long: 'x'.repeat(200) }, 403)).toBe(`{"long":"${'x'.repeat(111)}… (403)`);
  const many = Array.from({ length: 3 }, (_, i) => ({ listKey: '', pages: 0, units: 10, ignored: { count: 10, items: Array.from({ length: 10 }, (_, j) => `${i}.${j}`) } }));
  const all = ignoredOf(many)!;
  expect(all.count).toBe(30);
  expect(all.items).toHaveLength(20);
  expect(ignoredWords(all)).toMatch(/^; 30 item\(s\) ignored by onItemError: 0\.0, 0\.1, .*, 1\.9, and 10 more$/);
  expect(ignoredOf([{ listKey: '', pages: 1, units: 1 }])).toBeUndefined();
  expect(ignoredWords(undefined)).toBe('');
});
