/**
 * XML request bodies: inserted values are XML-escaped, `$auth{…}` places are left for the
 * signer and filled (escaped) by it, and nowhere else may a template hold a place.
 */
import { fillAuthPlaces, bodyCarriesToken } from '../../../activities/auth-places';
import { buildRequest } from '../../../activities/http-request';
import type { VendorConfig } from '../../../core/config-schema';
import { parseTemplate } from '../../../core/expression-syntax';
import { escapeXml } from '../../../core/template-encoding';
import { usingScope } from '../../../runtime/expression/expression';
import type { Signer } from '../../../auth/signer';

const config = { vendor: 'soap-test', baseUrl: 'https://api.example.com', auth: { kind: 'oauth2' } } as unknown as VendorConfig;
const HOSTILE = `a<b>&c"d'e</Id><Admin>1</Admin>`;

const signerWith = (values: Record<string, string>): Signer => ({
  prepare: async () => undefined,
  sign: async () => undefined,
  placeValue: async (name) => values[name],
  renew: () => false,
  held: () => ({ values: Object.values(values), pairs: [] }),
});

describe('escapeXml', () => {
  test('the five XML specials become entities, so a value cannot open or close an element', () => {
    expect(escapeXml(`<&"'>`)).toBe('&lt;&amp;&quot;&apos;&gt;');
    expect(escapeXml(HOSTILE)).toBe('a&lt;b&gt;&amp;c&quot;d&apos;e&lt;/Id&gt;&lt;Admin&gt;1&lt;/Admin&gt;');
    expect(escapeXml('plain text, tab\tand newline\n')).toBe('plain text, tab\tand newline\n');
  });

  test('characters XML 1.0 cannot carry are refused, not passed on', () => {
    expect(() => escapeXml('a\u0000b')).toThrow('the value holds a control character, which XML 1.0 cannot carry');
    expect(() => escapeXml('a\u001bb')).toThrow('control character');
  });
});

describe('$auth{…} places in templates', () => {
  test('parse as places naming the token or a credential', () => {
    expect(parseTemplate('<T>$auth{token}</T><D>$auth{ secrets.developer_token }</D>', 'x')).toEqual([
      { text: '<T>' },
      { auth: 'token', column: 4 },
      { text: '</T><D>' },
      { auth: 'secrets.developer_token', column: 23 },
      { text: '</D>' },
    ]);
  });

  test('anything else inside $auth{} is refused, naming the field', () => {
    expect(() => parseTemplate('<T>$auth{inputs.x}</T>', '$.streams.s.steps[0].request.xml')).toThrow(
      '$.streams.s.steps[0].request.xml: "$auth{inputs.x}" names neither "token" nor "secrets.<credential>" at column 4',
    );
    expect(() => parseTemplate('<T>$auth{token</T>', 'here')).toThrow('unclosed "$auth{"');
  });

  test('render() (headers, paths, JSON bodies) refuses a place: only an XML body has them filled', () => {
    usingScope({}, (scope) => {
      expect(() => scope.render('Bearer $auth{token}', '$.headers.authorization', 'header')).toThrow(`$auth{token} is allowed only in a request's "xml" body`);
    });
  });
});

describe('buildRequest with an xml body', () => {
  const xml = '<s:Envelope><s:Header><AuthenticationToken>$auth{token}</AuthenticationToken><DeveloperToken>$auth{secrets.developer_token}</DeveloperToken></s:Header><s:Body><Id>${inputs.id}</Id></s:Body></s:Envelope>';

  test('inserted values are XML-escaped; places stay open; Content-Type is text/xml', () => {
    const built = usingScope({ inputs: { id: HOSTILE } }, (scope) => buildRequest(config, { method: 'POST', path: '/svc', xml }, scope, '$.req'));
    expect(built.body).toBeUndefined();
    expect(built.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(built.bodyPieces).toEqual([
      '<s:Envelope><s:Header><AuthenticationToken>',
      { auth: 'token', position: 'xml' },
      '</AuthenticationToken><DeveloperToken>',
      { auth: 'secrets.developer_token', position: 'xml' },
      `</DeveloperToken></s:Header><s:Body><Id>${escapeXml(HOSTILE)}</Id></s:Body></s:Envelope>`,
    ]);
    expect(bodyCarriesToken(built)).toBe(true);
  });

  test('a body without places is sent as rendered, and a configured Content-Type wins', () => {
    const built = usingScope({ inputs: { id: '7' } }, (scope) =>
      buildRequest(config, { method: 'POST', path: '/svc', xml: '<Id>${inputs.id}</Id>', headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' } }, scope, '$.req'),
    );
    expect(built.body).toBe('<Id>7</Id>');
    expect(built.bodyPieces).toBeUndefined();
    expect(built.headers['content-type']).toBe('application/soap+xml; charset=utf-8');
    expect(bodyCarriesToken(built)).toBe(false);
  });

  test('the signer fills each place, XML-escaped', async () => {
    const built = usingScope({ inputs: { id: '7' } }, (scope) => buildRequest(config, { method: 'POST', path: '/svc', xml }, scope, '$.req'));
    await fillAuthPlaces(built, signerWith({ token: `tok&<en>"'`, 'secrets.developer_token': 'dev<1>' }), 'oauth2');
    expect(built.body).toBe(
      '<s:Envelope><s:Header><AuthenticationToken>tok&amp;&lt;en&gt;&quot;&apos;</AuthenticationToken><DeveloperToken>dev&lt;1&gt;</DeveloperToken></s:Header><s:Body><Id>7</Id></s:Body></s:Envelope>',
    );
  });

  test('a place the signer cannot fill fails as a ConfigError naming the place, never a value', async () => {
    const built = usingScope({ inputs: { id: '7' } }, (scope) => buildRequest(config, { method: 'POST', path: '/svc', xml }, scope, '$.req'));
    const failure = await fillAuthPlaces(built, signerWith({ 'secrets.developer_token': 'dev-SECRET' }), 'apiKey').catch((e) => e);
    expect(failure.type).toBe('ConfigError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('POST /svc: $auth{token} has no value: auth kind "apiKey" obtains no token');
    expect(built.body).toBeUndefined();
  });
});
