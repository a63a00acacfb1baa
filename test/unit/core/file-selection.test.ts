/** Selection of delivered files: name patterns, dates in names or modification times, and what is missing. */
import { headProblem } from '../../../core/file-content';
import { dateInName, daysOf, missingFiles, nameMatcher, newestPerNameAndDay, selectFiles, type RemoteFile } from '../../../core/file-selection';

const WHERE = '$.streams.s.steps[0]';
const file = (name: string, modified?: string): RemoteFile => ({ name, path: `/out/${name}`, modified, fingerprint: name });

describe('nameMatcher', () => {
  test('globs match whole names; dots are literal', () => {
    const m = nameMatcher('orders_*.csv.gz', WHERE);
    expect(m('orders_20240301.csv.gz')).toBe(true);
    expect(m('orders_20240301.csv')).toBe(false);
    expect(m('xorders_1.csv.gz')).toBe(false);
    expect(m('ordersXcsv.gz')).toBe(false);
    expect(nameMatcher('day?.tsv', WHERE)('day1.tsv')).toBe(true);
  });

  test('a /regex/ with flags', () => {
    const m = nameMatcher('/^Report_\\d{8}\\.XLSX$/i', WHERE);
    expect(m('report_20240301.xlsx')).toBe(true);
    expect(m('report_2024.xlsx')).toBe(false);
  });

  test('a bad regex names the config path', () => {
    expect(() => nameMatcher('/(/', WHERE)).toThrow(`${WHERE}: `);
  });
});

describe('dateInName', () => {
  test('finds the first valid date in the format', () => {
    expect(dateInName('sales_20240302.csv', 'YYYYMMDD')).toBe('2024-03-02');
    expect(dateInName('sales-02.03.2024.csv', 'DD.MM.YYYY')).toBe('2024-03-02');
    expect(dateInName('v2_99999999_20240229.csv', 'YYYYMMDD')).toBe('2024-02-29');
    expect(dateInName('sales.csv', 'YYYYMMDD')).toBeUndefined();
    expect(dateInName('sales_20230229.csv', 'YYYYMMDD')).toBeUndefined();
  });

  test('separators in the format are literal, not regex syntax', () => {
    expect(dateInName('r_2024x03x02', 'YYYY.MM.DD')).toBeUndefined();
  });
});

describe('selectFiles', () => {
  const window = { from: '2024-03-01', to: '2024-03-02' };
  const listing = [
    file('orders_20240302.csv', '2024-03-03T01:00:00Z'),
    file('orders_20240301.csv', '2024-03-02T01:00:00Z'),
    file('orders_20240303.csv', '2024-03-04T01:00:00Z'),
    file('readme.txt', '2024-03-01T01:00:00Z'),
  ];

  test('by the date in the name, oldest first', () => {
    const taken = selectFiles(listing, { match: 'orders_*.csv', dateIn: { name: 'YYYYMMDD' } }, window, WHERE);
    expect(taken.map((f) => [f.name, f.date])).toEqual([
      ['orders_20240301.csv', '2024-03-01'],
      ['orders_20240302.csv', '2024-03-02'],
    ]);
  });

  test('by modification time (UTC day)', () => {
    const taken = selectFiles(listing, { match: '*', dateIn: 'modified' }, window, WHERE);
    expect(taken.map((f) => f.name)).toEqual(['readme.txt', 'orders_20240301.csv']);
  });

  test('without dateIn every matching file', () => {
    expect(selectFiles(listing, { match: '*.csv' }, window, WHERE)).toHaveLength(3);
  });
});

describe('missingFiles', () => {
  const window = { from: '2024-03-01', to: '2024-03-03' };
  test('names the days, the pattern and the source', () => {
    const msg = missingFiles([{ date: '2024-03-02' }], { match: 'orders_*.csv', dateIn: { name: 'YYYYMMDD' } }, window, 'sftp://h:22/out');
    expect(msg).toBe('no file matching "orders_*.csv" with the date 2024-03-01, 2024-03-03 (as YYYYMMDD) in its name in sftp://h:22/out');
  });
  test('without a date in the name, one file is enough', () => {
    expect(missingFiles([{}], { match: '*.csv' }, window, 's3://b/p')).toBeUndefined();
    expect(missingFiles([], { match: '*.csv', dateIn: 'modified' }, window, 's3://b/p')).toBe(
      'no file matching "*.csv" modified between 2024-03-01 and 2024-03-03 in s3://b/p',
    );
  });
  test('daysOf lists every day', () => {
    expect(daysOf(window)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
  });
});

describe('headProblem', () => {
  const gz = Uint8Array.from([0x1f, 0x8b, 8, 0]);
  const zip = Uint8Array.from([0x50, 0x4b, 3, 4]);
  const csv = Buffer.from('a,b\n');
  test('a file fits its decode config', () => {
    expect(headProblem(gz, { format: 'csv', compression: 'gzip' })).toBeUndefined();
    expect(headProblem(zip, { format: 'xlsx' })).toBeUndefined();
    expect(headProblem(csv, { format: 'csv' })).toBeUndefined();
    expect(headProblem(gz, { format: 'csv', compression: 'auto' })).toBeUndefined();
  });
  test('a file that is not what the step promised', () => {
    expect(headProblem(csv, { format: 'csv', compression: 'gzip' })).toMatch(/not gzip-compressed/);
    expect(headProblem(gz, { format: 'csv' })).toMatch(/is gzip-compressed, but/);
    expect(headProblem(csv, { format: 'xlsx' })).toMatch(/not an XLSX workbook/);
    expect(headProblem(Buffer.alloc(0), { format: 'csv' })).toBe('is empty');
  });
});

describe('newestPerNameAndDay', () => {
  const f = (name: string, date: string, modified: string) => ({ name, date, modified });
  test('a re-sent report replaces the first of its name and day; other days stay', () => {
    const files = [f('report.csv', '2024-03-01', '2024-03-02T06:00:00Z'), f('report.csv', '2024-03-02', '2024-03-03T06:00:00Z'), f('report.csv', '2024-03-01', '2024-03-02T09:30:00Z')];
    expect(newestPerNameAndDay(files, 'modified')).toEqual([files[1], files[2]]);
  });
  test('files of the newest delivery all count: one message, two links to one name', () => {
    const files = [f('orders.csv', '2024-07-05', '2024-07-05T10:00:00Z'), f('orders.csv', '2024-07-05', '2024-07-05T10:00:00Z'), f('orders.csv', '2024-07-05', '2024-07-04T10:00:00Z')];
    expect(newestPerNameAndDay(files, 'modified')).toEqual([files[0], files[1]]);
  });
  test('without dateIn every file counts', () => {
    const files = [f('a.csv', '', '1'), f('a.csv', '', '2')];
    expect(newestPerNameAndDay(files, undefined)).toEqual(files);
  });
});
