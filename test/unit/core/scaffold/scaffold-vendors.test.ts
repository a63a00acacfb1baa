/**
 * `dif scaffold` on two real vendors' OpenAPI documents (test/fixtures/openapi/README.md):
 * Pinterest v5 pages by a `bookmark` cursor, Klaviyo by a `links.next` URL. The configs pass
 * `dif validate`'s checks and every guess is explained in the notes.
 */
import path from 'node:path';
import { readSpec } from '../../../../cli/scaffold/read-spec';
import type { StreamConfig } from '../../../../core/config-schema';
import { scaffoldConfig } from '../../../../core/scaffold/scaffold';
import { checkVendorConfig } from '../../../../core/validate';

const fixture = (name: string) => path.join(__dirname, '../../../fixtures/openapi', name);
const columnsOf = (s: StreamConfig) => Object.fromEntries(s.table.columns.map((c) => [c.name, c]));

describe('Pinterest v5 (YAML, bookmark cursor, oauth2)', () => {
  const file = fixture('pinterest-v5.yaml');
  const config = scaffoldConfig(readSpec(file), { file, operations: ['ad_accounts/list', 'campaigns/list'], vendor: 'pinterest' });

  it('passes dif validate', () => {
    expect(() => checkVendorConfig(config, file, 'pinterest')).not.toThrow();
  });

  it('takes auth from the oauth2 scheme the operations ask for, with its flow tokenUrl', () => {
    expect(config.auth).toEqual({
      kind: 'oauth2',
      grant: 'refresh_token',
      tokenUrl: 'https://api.pinterest.com/v5/oauth/token',
      clientId: 'client_id',
      clientSecret: 'client_secret',
      refreshToken: 'refresh_token',
    });
    expect(config.api?.notes).toContain('oauth2 from securityScheme pinterest_oauth2: its authorizationCode flow');
    expect(config.api?.notes).toContain('Other schemes in the document: client_credentials');
  });

  it('takes the base URL from servers[0]', () => {
    expect(config.baseUrl).toBe('https://api.pinterest.com/v5');
    expect(config.api?.notes).toContain('Base URL: servers[0]');
  });

  it('pages by the bookmark cursor and says why', () => {
    const stream = config.streams.ad_accounts_list;
    const step = stream.steps[0] as { kind: string; pagination: unknown; records: string; request: { query?: unknown } };
    expect(step.kind).toBe('paginated');
    expect(step.pagination).toEqual({ kind: 'cursor', next: 'response.bookmark', param: 'bookmark' });
    expect(stream.description).toContain('Pagination: cursor: the query parameter bookmark and the response field bookmark.');
    expect(step.request.query).toEqual({ page_size: '250' });
    expect(stream.description).toContain("Page size: page_size=250, the parameter's maximum.");
  });

  it('finds the records and types the columns, nested objects as record.a.b sources', () => {
    const stream = config.streams.ad_accounts_list;
    expect((stream.steps[0] as { records: string }).records).toBe('response.items');
    expect(stream.description).toContain('Records: response.items, the array of objects in the 200 response.');
    const columns = columnsOf(stream);
    expect(columns.id).toMatchObject({ type: 'string', nullable: false });
    expect(columns.created_time).toMatchObject({ type: 'integer' });
    expect(columns.owner_username).toMatchObject({ type: 'string', source: 'record.owner?.username' });
    expect(columns.permissions).toBeUndefined();
    expect(stream.description).toContain('Left out: permissions (an array).');
    expect(stream.table.primaryKey).toEqual(['id']);
    expect(stream.description).toContain('Primary key: id (a field named id).');
  });

  it('reads an allOf response (Paginated + items) and makes the path parameter an input', () => {
    const stream = config.streams.campaigns_list;
    const step = stream.steps[0] as { pagination: unknown; records: string; request: { path: string } };
    expect(step.request.path).toBe('/ad_accounts/${inputs.ad_account_id}/campaigns');
    expect(config.inputs).toEqual([{ name: 'ad_account_id', type: 'string', description: 'Unique identifier of an ad account.' }]);
    expect(step.records).toBe('response.items');
    expect(step.pagination).toEqual({ kind: 'cursor', next: 'response.bookmark', param: 'bookmark' });
    expect(columnsOf(stream).is_performance_plus).toMatchObject({ type: 'boolean' });
  });
});

describe('Klaviyo get_images (JSON, links.next URL, apiKey header)', () => {
  const file = fixture('klaviyo-get-images.json');
  const config = scaffoldConfig(readSpec(file), { file, operations: ['get_images'] });
  const stream = config.streams.get_images;
  const step = stream.steps[0] as { pagination: unknown; records: string; request: { headers?: unknown; query?: unknown } };

  it('passes dif validate, the vendor named from the title', () => {
    expect(config.vendor).toBe('klaviyo');
    expect(() => checkVendorConfig(config, file, 'klaviyo')).not.toThrow();
  });

  it('takes auth from the apiKey scheme and quotes its description for the prefix to check', () => {
    expect(config.auth).toEqual({ kind: 'apiKey', in: 'header', name: 'Authorization', secret: 'api_key' });
    expect(config.api?.notes).toContain('check whether the vendor wants a prefix');
    expect(config.api?.notes).toContain('Klaviyo-API-Key your-private-api-key');
    expect(config.baseUrl).toBe('https://a.klaviyo.com');
  });

  it('pages by the links.next URL and says why', () => {
    expect(step.pagination).toEqual({ kind: 'nextUrl', next: 'response.links?.next' });
    expect(stream.description).toContain('Pagination: next URL: the response field links.next holds a URL (format uri).');
  });

  it('sends the required revision header at its default', () => {
    expect(step.request.headers).toEqual({ revision: '2026-07-15' });
    expect(stream.description).toContain('Required header parameter revision: its default 2026-07-15.');
  });

  it('finds the records under data and types date-times as timestamps', () => {
    expect(step.records).toBe('response.data');
    const columns = columnsOf(stream);
    expect(columns.attributes_updated_at).toMatchObject({ type: 'timestamp', source: 'record.attributes?.updated_at' });
    expect(columns.attributes_size).toMatchObject({ type: 'integer' });
    expect(columns.attributes_hidden).toMatchObject({ type: 'boolean' });
    expect(stream.table.primaryKey).toEqual(['id']);
  });
});
