/** `baseUrlFrom`: validation names its mistakes by path; the committed Eloqua config uses it. */
import fs from 'node:fs';
import path from 'node:path';
import { validateVendorConfig } from '../../../core/validate';
import { problemsOf } from '../helpers/config-problems';

const ELOQUA = path.join(__dirname, '..', '..', '..', 'vendors', 'oracle-eloqua', 'config.json');
const eloqua = () => JSON.parse(fs.readFileSync(ELOQUA, 'utf8'));

test('the committed oracle-eloqua config validates', () => {
  expect(validateVendorConfig(eloqua(), ELOQUA, 'oracle-eloqua').baseUrlFrom).toEqual({ request: { url: 'https://login.eloqua.com/id' }, field: 'urls.base', hosts: ['*.eloqua.com'] });
});

test('a discovery call needs an absolute url, a dotted field and at least one host pattern', () => {
  const config = eloqua();
  config.baseUrlFrom = { request: { path: '/id' }, field: 'urls..base', hosts: ['https://*.eloqua.com'] };
  expect(problemsOf(config, 'oracle-eloqua').map((p) => p.path)).toEqual(['$.baseUrlFrom.field', '$.baseUrlFrom.hosts[0]']);
  config.baseUrlFrom = { request: { path: '/id' }, field: 'urls.base', hosts: ['*.eloqua.com'] };
  expect(problemsOf(config, 'oracle-eloqua')).toEqual([{ path: '$.baseUrlFrom.request', message: 'needs an absolute "url": the base URL is what this call finds' }]);
});
