/**
 * The published JSON Schema (what editors use through "$schema") is generated from the
 * TypeBox grammar. If someone changes the grammar and forgets `npm run schema`, the two
 * drift; this test catches it. It also keeps every committed vendor config valid.
 */
import fs from 'node:fs';
import path from 'node:path';
import { schemaFile, schemaText } from '../../../scripts/write-schema';
import { configFiles, validateFiles } from '../../../cli/validate/validate';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('published schema', () => {
  test('is written to core/vendor-config.schema.json', () => {
    expect(path.resolve(schemaFile)).toBe(path.join(ROOT, 'core', 'vendor-config.schema.json'));
  });

  test('equals the committed file (run `npm run schema` if this fails)', () => {
    expect(fs.readFileSync(schemaFile, 'utf8')).toBe(schemaText());
  });

  test('is a draft 2020-12 schema with the config title and no unknown top-level fields allowed', () => {
    const schema = JSON.parse(schemaText());
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('DIF vendor config');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['vendor', 'title', 'inputs', 'semaphore', 'streams']));
    // baseUrl and auth are required only of vendors with HTTP steps (checked by validation, with its message).
    expect(schema.properties.baseUrl.description).toMatch(/Required when a stream has HTTP steps/);
  });
});

describe('committed vendor configs', () => {
  const files = configFiles([path.join(ROOT, 'vendors')]);

  test('there is at least the demo vendor', () => {
    expect(files).toContain(path.join(ROOT, 'vendors', 'demo-ads', 'config.json'));
  });

  test('every vendors/*/config.json validates', () => {
    const failures = validateFiles(files).filter((r) => !r.ok);
    // Printing the problems makes a failure self-explanatory.
    expect(failures).toEqual([]);
  });

  test('every config points at the published schema', () => {
    for (const file of files) {
      const config = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(path.resolve(path.dirname(file), config.$schema)).toBe(schemaFile);
    }
  });
});
