/**
 * `authVariants`: other auth blocks a config offers, each validated as `auth` is and named
 * by its own path, and picked per customer by the override `authVariant`, which can only
 * name one of them.
 */
import { applyOverrides } from '../../../adapters/vendor-configs';
import { validateVendorConfig } from '../../../core/validate';
import { checkCustomerValues } from '../../../runtime/customer-values';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const jwtBearer = {
  kind: 'oauth2', grant: 'jwt_bearer', tokenUrl: '${baseUrl}/services/oauth2/token', clientId: 'client_id',
  assertion: { privateKey: 'private_key', subject: 'username', audience: 'https://login.salesforce.com' },
};
const withVariants = (authVariants: object) => ({ ...demoConfig(), authVariants });

test('a variant is validated as auth would be, and its problems are named at its own path', () => {
  const { assertion: _assertion, ...noAssertion } = jwtBearer;
  expect(problemsOf(withVariants({ jwt_bearer: { ...noAssertion, clientSecret: 'client_secret' } }))).toEqual([
    { path: '$.authVariants.jwt_bearer.assertion', message: 'is required for the jwt_bearer grant (the key, subject and audience of the JWT)' },
    { path: '$.authVariants.jwt_bearer.clientSecret', message: 'is not used by the jwt_bearer grant, which proves the client with the signed assertion: remove it' },
  ]);
  // A template reading a credential the variant does not name.
  expect(problemsOf(withVariants({ key: { kind: 'oauth2', grant: 'client_credentials', tokenUrl: 'https://x.example/token?k=${secrets.other}', clientId: 'a', clientSecret: 'b' } })).map((p) => p.path)).toEqual([
    '$.authVariants.key.tokenUrl',
  ]);
  expect(problemsOf(withVariants({ 'Bad-Name': jwtBearer })).map((p) => p.path)).toEqual(['$.authVariants["Bad-Name"]']);
});

test('a customer picks a variant by name; the vendor’s own auth is untouched', () => {
  const config = validateVendorConfig(withVariants({ jwt_bearer: jwtBearer }), 'test-config.json');
  const picked = applyOverrides(config, { authVariant: 'jwt_bearer', tokenUrl: 'https://login.example.com/token' }, 'overrides of acme');
  expect(picked.auth).toEqual({ ...jwtBearer, tokenUrl: 'https://login.example.com/token' });
  expect(applyOverrides(config, {}, 'overrides of acme').auth).toEqual(config.auth);
});

test('an override can only name a variant the config offers', () => {
  const config = validateVendorConfig(withVariants({ jwt_bearer: jwtBearer }), 'test-config.json');
  expect(() => applyOverrides(config, { authVariant: 'toString' }, 'overrides of acme')).toThrow(
    '$.authVariant: "toString" is not one of this vendor\'s authVariants (jwt_bearer)',
  );
  expect(() => applyOverrides(validateVendorConfig(demoConfig(), 'x'), { authVariant: 'jwt_bearer' }, 'overrides of acme')).toThrow(/authVariants \(it has none\)/);
  expect(() => checkCustomerValues('acme', 'salesforce', {}, { authVariant: { kind: 'none' } })).toThrow(/overrides\.authVariant: must name one of the config's `authVariants`/);
});
