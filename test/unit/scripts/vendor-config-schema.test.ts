/**
 * The published schema is the manual editors show: each field must carry the description
 * written for it. (A `doc()` that mutated shared schema objects once made the last
 * description written win everywhere: every secret reference read "Credential holding
 * the password (or app password)".) Also: the file is a valid draft 2020-12 schema that
 * a real validator (ajv) compiles, the kinds are `oneOf` with a discriminator, and the
 * committed vendor configs pass it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { schemaDocument, schemaFile, schemaText } from '../../../scripts/write-schema';
import { ConfigError, validateVendorConfig } from '../../../core/validate';

const ROOT = path.join(__dirname, '..', '..', '..');
const published = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
/** Checked in the committed file and in one generated now, so a grammar bug fails here even before `npm run schema`. */
const generated = schemaDocument();

/** The value at a dotted path of the published schema, e.g. `$defs.BasicAuth.properties.password`. */
function at(pathText: string, schema: unknown = published): Record<string, unknown> {
  let node: unknown = schema;
  for (const key of pathText.split('.')) {
    if (!node || typeof node !== 'object' || !(key in node)) throw new Error(`the published schema has no ${pathText} (stopped at ${key})`);
    node = (node as Record<string, unknown>)[key];
  }
  return node as Record<string, unknown>;
}

describe('published schema: each field has its own description', () => {
  test.each([
    ['$defs.BasicAuth.properties.username', 'Credential holding the user name. Give `username` or `usernameTemplate`.'],
    ['$defs.BasicAuth.properties.password', 'Credential holding the password. Absent: an empty password, for vendors whose API key is the whole Basic user name (`api_key:`: Chargebee, Close).'],
    ['$defs.ImapSource.properties.password', 'Credential holding the password (or app password).'],
    ['$defs.OAuth2Auth.properties.clientSecret', 'Credential holding the client secret. Required for the `client_credentials` and `refresh_token` grants; `jwt_bearer` needs none.'],
    ['$defs.ApiKeyAuth.properties.secret', undefined], // the shared shape's own description, through $ref
    ['$defs.SecretRef', 'Name of a credential stored (encrypted) for this customer and vendor. Resolved only inside activities.'],
    ['$defs.Input.properties.name', 'Input name, used as `inputs.<name>` in expressions.'],
    ['$defs.Column.properties.name', 'Column name in the warehouse table.'],
    ['$defs.Table.properties.name', 'Target table in the warehouse.'],
    ['$defs.SingleStep.properties.name', 'Step name; appears in object keys and the Temporal UI.'],
    ['$defs.AsyncStep.properties.name', 'Step name.'],
    ['$defs.LoginAuth.properties.request', 'The login call; its templates see `secrets.<name>`.'],
    ['$defs.SingleStep.properties.request', undefined],
    ['$defs.Request', 'An HTTP request, relative to the vendor baseUrl.'],
    ['properties.baseUrl', 'Base URL of the API. Required when a stream has HTTP steps; a vendor that only delivers files has none. May contain ${expression} templates over `inputs` (a regional host a customer chooses), rendered once when a run starts; the result must be an https URL.'],
  ])('%s', (where, description) => {
    expect(at(where).description).toBe(description);
    expect(at(where, generated).description).toBe(description);
  });

  test('a field that uses a shared shape points at it with $ref and keeps its own description beside it', () => {
    expect(at('$defs.BasicAuth.properties.password')).toEqual({
      $ref: '#/$defs/SecretRef',
      description: 'Credential holding the password. Absent: an empty password, for vendors whose API key is the whole Basic user name (`api_key:`: Chargebee, Close).',
      examples: ['password'],
    });
    expect(at('$defs.ApiKeyAuth.properties.secret')).toEqual({ $ref: '#/$defs/SecretRef' });
    expect(at('$defs.BasicAuth.properties.password', generated)).toEqual(at('$defs.BasicAuth.properties.password'));
  });

  test('validation hints quote the description of the field at fault, not another field’s', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'vendors', 'demo-ads', 'config.json'), 'utf8'));
    config.auth = { kind: 'basic', username: 'user', password: 'Not A Name' };
    let problems: ConfigError['problems'] = [];
    try {
      validateVendorConfig(config, 'x.json');
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      { path: '$.auth.password', message: expect.stringContaining('— Credential holding the password.') },
    ]);
    expect(problems[0].message).not.toMatch(/app password/);
  });
});

describe('published schema: shapes editors can complete', () => {
  test('step, auth, pagination and file-source kinds are oneOf with a kind discriminator', () => {
    for (const union of ['Step', 'Auth', 'Pagination', 'FileSource']) {
      const def = at(`$defs.${union}`);
      expect(def.discriminator).toEqual({ propertyName: 'kind' });
      expect(def.anyOf).toBeUndefined();
      expect((def.oneOf as unknown[]).length).toBeGreaterThan(2);
    }
    expect(at('$defs.Step').oneOf).toContainEqual({ $ref: '#/$defs/SingleStep' });
  });

  test('shapes carry titles', () => {
    expect(at('$defs.OAuth2Auth').title).toBe('OAuth 2.0 auth');
    expect(at('$defs.DependentStep').title).toBe('Dependent step');
    expect(at('$defs.SecretRef').title).toBe('Credential name');
    expect((at('$defs.Pagination').oneOf as { title: string }[]).map((m) => m.title)).toContain('Cursor pagination');
  });

  test('string choices are enums', () => {
    expect(at('$defs.Column.properties.type')).toMatchObject({ type: 'string', enum: ['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp', 'json'] });
    expect(at('$defs.Column.properties.type').anyOf).toBeUndefined();
  });
});

describe('published schema: a real draft 2020-12 validator', () => {
  const ajv = new Ajv2020({ strict: true, discriminator: true, allErrors: true });
  const validate = ajv.compile(published);

  test('every committed vendor config passes it', () => {
    const vendors = fs.readdirSync(path.join(ROOT, 'vendors'));
    const failing = vendors.filter((v) => !validate(JSON.parse(fs.readFileSync(path.join(ROOT, 'vendors', v, 'config.json'), 'utf8'))));
    expect(failing).toEqual([]);
  });

  test('it refuses a bearer auth without its secret (so passing means something)', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'vendors', 'demo-ads', 'config.json'), 'utf8'));
    config.auth = { kind: 'bearer' };
    expect(validate(config)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/auth', message: "must have required property 'secret'" }));
  });

  test('the committed file equals a freshly generated one (run `npm run schema` if not)', () => {
    expect(fs.readFileSync(schemaFile, 'utf8')).toBe(schemaText());
    expect(JSON.parse(schemaText())).toEqual(schemaDocument());
  });
});
