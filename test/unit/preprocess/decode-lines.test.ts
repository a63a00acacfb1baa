/**
 * decode.delimiter and decode.lines: a report file's preamble and footer cut before the CSV
 * is parsed, record numbers kept as the file's line numbers, and a missing preamble end
 * failing the file with the pattern named; config validation refuses a bad pattern by path.
 */
import { Readable } from 'node:stream';
import { decodeRecords } from '../../../adapters/decode/records';
import { validateVendorConfig } from '../../../core/validate';

async function decode(body: string, extra: Record<string, unknown>) {
  const records: [number, unknown][] = [];
  const rejects: [number, string][] = [];
  const fields: string[][] = [];
  const decodeConfig = { format: 'csv' as const, ...extra };
  for await (const batch of decodeRecords(Readable.from([Buffer.from(body)]), decodeConfig, { kind: 'path', keys: [] }, {
    onFields: (f) => fields.push(f),
    onReject: (n, reason) => rejects.push([n, reason]),
  })) {
    for (const r of batch) records.push([r.number, r.record]);
  }
  return { records, rejects, fields };
}

const CM360_FILE = [
  'Campaign Manager 360 Report,',
  'Report Time,2024-03-03 09:00:00',
  'Date Range,2024-03-01 - 2024-03-02',
  'Report Fields',
  'Date,Campaign ID,Impressions',
  '2024-03-01,111,"1,200"',
  '2024-03-02,111,1100',
  'Grand Total:,,2300',
  '',
].join('\r\n');

test('a preamble ending at `after` and a footer from `until` are cut; numbers are the file lines', async () => {
  const out = await decode(CM360_FILE, { lines: { after: '^Report Fields$', until: '^Grand Total:' } });
  expect(out.fields).toEqual([['Date', 'Campaign ID', 'Impressions']]);
  expect(out.records).toEqual([
    [6, { Date: '2024-03-01', 'Campaign ID': '111', Impressions: '1,200' }],
    [7, { Date: '2024-03-02', 'Campaign ID': '111', Impressions: '1100' }],
  ]);
  expect(out.rejects).toEqual([]);
});

test('without lines, the same file is not read as rows: the cut is what makes it loadable', async () => {
  const out = await decode(CM360_FILE, {});
  expect(out.fields).toEqual([['Campaign Manager 360 Report', '']]);
  expect(out.records).not.toContainEqual([6, { Date: '2024-03-01', 'Campaign ID': '111', Impressions: '1,200' }]);
});

test('a footer after a blank line (`until: "^$"`), and a semicolon delimiter', async () => {
  const out = await decode('Keyword;Position\nshoes;3\nboots;7\n\nReport Time:;2024/03/03\n', { delimiter: ';', lines: { until: '^$' } });
  expect(out.records).toEqual([[2, { Keyword: 'shoes', Position: '3' }], [3, { Keyword: 'boots', Position: '7' }]]);
  expect(out.rejects).toEqual([]);
});

test('a bad row after a cut preamble is rejected with its own line number', async () => {
  const out = await decode('Report Fields\na,b\n1,2\n3\n', { lines: { after: '^Report Fields$' } });
  expect(out.records).toEqual([[3, { a: '1', b: '2' }]]);
  expect(out.rejects).toEqual([[4, expect.stringMatching(/^row cannot be read/)]]);
});

test('a file without the preamble end fails naming the pattern', async () => {
  await expect(decode('a,b\n1,2\n', { lines: { after: '^Report Fields$' } })).rejects.toThrow(/no line matching decode\.lines\.after "\^Report Fields\$"/);
});

test('validation: a pattern that does not compile, and lines on JSON, are refused by path', () => {
  const config = {
    vendor: 'x', title: 'x', baseUrl: 'https://api.example.com', auth: { kind: 'none' }, inputs: [], semaphore: { scope: 'customer', limit: 1 },
    streams: {
      s: {
        steps: [{ kind: 'single', name: 'a', request: { path: '/r' }, decode: { format: 'csv', lines: { after: '(' } } },
                { kind: 'single', name: 'b', request: { path: '/r' }, decode: { format: 'json', lines: { until: '^$' } } }],
        table: { name: 'x_s', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] },
      },
    },
  };
  let problems = '';
  try {
    validateVendorConfig(config, 'test');
  } catch (e) {
    problems = String((e as Error).message);
  }
  expect(problems).toContain('$.streams.s.steps[0].decode.lines.after');
  expect(problems).toContain('is not a regular expression');
  expect(problems).toContain('$.streams.s.steps[1].decode.lines');
  expect(problems).toContain('cuts the lines of a csv or tsv file');
});
