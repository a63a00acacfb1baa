/** docs/catalogue.md is generated from vendors/; this fails when a config changed and `npm run catalogue` was not run. */
import fs from 'node:fs';
import { catalogueFile, catalogueText, vendorsRoot } from '../../../scripts/catalogue';

test('the committed docs/catalogue.md equals the one generated from vendors/ (run `npm run catalogue` if this fails)', () => {
  expect(fs.readFileSync(catalogueFile, 'utf8')).toBe(catalogueText());
});

test('every vendor folder has its section', () => {
  const text = catalogueText();
  const vendors = fs.readdirSync(vendorsRoot).filter((d) => fs.existsSync(`${vendorsRoot}/${d}/config.json`));
  expect(vendors.length).toBeGreaterThan(1);
  for (const vendor of vendors) expect(text).toContain(`\n## ${vendor}\n`);
});

test('each vendor row names its category and API version, and the header counts vendors per category', () => {
  const text = catalogueText();
  // Counts per category, largest first: which category leads changes as vendors are added.
  expect(text).toMatch(/^\d+ vendors: (\d+ [a-z-]+, )*\d+ ad-platform[,.]/m);
  expect(text).toMatch(/^\d+ vendors: (\d+ [a-z-]+, )*\d+ affiliate[,.]/m);
  expect(text).toContain('| [impact](#impact) | affiliate | ');
  expect(text).toMatch(/\| \[meta-ads\]\(#meta-ads\) \| ad-platform \| [^\n]* \| v\d+\.\d+, no sunset announced \|/);
  expect(text).toMatch(/\| \[linkedin-ads\]\(#linkedin-ads\) \| ad-platform \| [^\n]* \| \d{6}, sunset \d{4}-\d{2}-\d{2} \|/);
  expect(text).toContain('\nCategory: affiliate.\n');
});
