/** `dif validate`: finding config files in folders and reporting each file's problems. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFiles, validateFiles } from '../../../cli/validate/validate';

const DEMO = path.join(__dirname, '..', '..', '..', 'vendors', 'demo-ads', 'config.json');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-validate-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('configFiles', () => {
  test('a file is taken as given; a vendor folder gives its config.json; a vendors folder gives each', () => {
    const a = write('vendors/a-ads/config.json', '{}');
    const b = write('vendors/b-ads/config.json', '{}');
    fs.mkdirSync(path.join(tmp, 'vendors', 'no-config'), { recursive: true });
    const loose = write('loose.json', '{}');
    expect(configFiles([loose])).toEqual([loose]);
    expect(configFiles([path.join(tmp, 'vendors', 'a-ads')])).toEqual([a]);
    expect(configFiles([path.join(tmp, 'vendors')])).toEqual([a, b]);
  });

  test('a missing path is an error naming it', () => {
    const missing = path.join(tmp, 'nope');
    expect(() => configFiles([missing])).toThrow(`no such file or folder: ${missing}`);
  });
});

describe('validateFiles', () => {
  test('the demo config is ok', () => {
    expect(validateFiles([DEMO])).toEqual([{ file: DEMO, ok: true, problems: [] }]);
  });

  test('a config.json is checked against its folder name', () => {
    const file = write('moved/other-ads/config.json', fs.readFileSync(DEMO, 'utf8'));
    expect(validateFiles([file])).toEqual([
      { file, ok: false, problems: [{ path: '$.vendor', message: 'is "demo-ads" but the config is in folder "other-ads"' }] },
    ]);
  });

  test('a file not named config.json is not checked against its folder', () => {
    const file = write('drafts/demo-ads-v2.json', fs.readFileSync(DEMO, 'utf8'));
    expect(validateFiles([file])[0].ok).toBe(true);
  });

  test('every file gets its own report; a JSON syntax error has a position', () => {
    const broken = write('broken/config.json', '{\n  "vendor": "broken",\n}');
    const reports = validateFiles([DEMO, broken]);
    expect(reports.map((r) => r.ok)).toEqual([true, false]);
    expect(reports[1].problems[0].path).toBe('line 3, column 1');
  });
});
