/**
 * The auth block of a scaffolded config, from the document's `securitySchemes`: the scheme the
 * operations ask for (their `security`, else the document's), else the first one declared.
 */
import type { AuthConfig } from '../config-schema';
import { deref, isObject, type Json } from './openapi';

export interface AuthGuess {
  auth: AuthConfig;
  /** What was read and what the author must check, for the config's notes. */
  note: string;
}

/** The scheme names the given operations (then the document) require, in order of appearance. */
function requiredSchemes(doc: Json, operations: Json[]): string[] {
  const names: string[] = [];
  for (const security of [...operations.map((o) => o.security), doc.security]) {
    if (!Array.isArray(security)) continue;
    for (const requirement of security) if (isObject(requirement)) names.push(...Object.keys(requirement));
  }
  return [...new Set(names)];
}

export function guessAuth(doc: Json, operations: Json[]): AuthGuess {
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const declared = Object.keys(schemes);
  const names = [...requiredSchemes(doc, operations).filter((n) => declared.includes(n)), ...declared];
  if (names.length === 0) return { auth: { kind: 'none' }, note: 'Auth: the document declares no securitySchemes; auth is none (check the vendor docs).' };
  const name = names[0];
  const scheme = deref(doc, schemes[name]);
  const others = [...new Set(names)].filter((n) => n !== name);
  const alternatives = others.length ? ` Other schemes in the document: ${others.join(', ')}.` : '';
  const guess = fromScheme(name, isObject(scheme) ? scheme : {});
  return { auth: guess.auth, note: `Auth: ${guess.note}${alternatives}` };
}

function fromScheme(name: string, scheme: Json): AuthGuess {
  const said = typeof scheme.description === 'string' ? ` The scheme says: "${scheme.description.replace(/\s+/g, ' ').slice(0, 200)}".` : '';
  if (scheme.type === 'apiKey' && (scheme.in === 'header' || scheme.in === 'query') && typeof scheme.name === 'string')
    return {
      auth: { kind: 'apiKey', in: scheme.in, name: scheme.name, secret: 'api_key' },
      note: `apiKey from securityScheme ${name} (in ${scheme.in} ${scheme.name}); the key is sent as is, check whether the vendor wants a prefix.${said}`,
    };
  if (scheme.type === 'http' && typeof scheme.scheme === 'string' && scheme.scheme.toLowerCase() === 'bearer')
    return { auth: { kind: 'bearer', secret: 'token' }, note: `bearer from securityScheme ${name} (http bearer).${said}` };
  if (scheme.type === 'http' && typeof scheme.scheme === 'string' && scheme.scheme.toLowerCase() === 'basic')
    return { auth: { kind: 'basic', username: 'username', password: 'password' }, note: `basic from securityScheme ${name} (http basic).${said}` };
  if (scheme.type === 'oauth2' && isObject(scheme.flows)) {
    const flows = scheme.flows;
    // A refresh token from an authorization-code consent is how a customer grants a data pipeline access; client credentials when that is all the vendor offers.
    const flowName = ['authorizationCode', 'clientCredentials', 'password', 'implicit'].find((f) => isObject(flows[f]) && typeof (flows[f] as Json).tokenUrl === 'string');
    if (flowName) {
      const flow = flows[flowName] as Json;
      const grant = flowName === 'clientCredentials' ? 'client_credentials' : 'refresh_token';
      const auth: AuthConfig =
        grant === 'client_credentials'
          ? { kind: 'oauth2', grant, tokenUrl: String(flow.tokenUrl), clientId: 'client_id', clientSecret: 'client_secret' }
          : { kind: 'oauth2', grant, tokenUrl: String(flow.tokenUrl), clientId: 'client_id', clientSecret: 'client_secret', refreshToken: 'refresh_token' };
      return {
        auth,
        note: `oauth2 from securityScheme ${name}: its ${flowName} flow's tokenUrl, grant ${grant}; check how the vendor wants the client to authenticate (clientAuth body or basic) and the scopes.`,
      };
    }
  }
  return { auth: { kind: 'none' }, note: `securityScheme ${name} (type ${String(scheme.type)}) has no DIF equivalent scaffold knows; auth is none: write it by hand.` };
}
