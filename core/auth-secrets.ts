/**
 * The credentials an auth block names: what its request templates can read as
 * `secrets.<name>`, what validation lets them name, and what a session reveals. Pure.
 */
import type { AuthConfig } from './config-schema';

export function authSecretNames(auth: AuthConfig | undefined): string[] {
  switch (auth?.kind) {
    case 'apiKey':
    case 'bearer':
      return [auth.secret];
    case 'basic':
      return [auth.username, auth.password];
    case 'header':
    case 'login':
      return auth.secrets;
    case 'oauth2':
      return [...new Set([auth.clientId, auth.clientSecret, ...(auth.refreshToken ? [auth.refreshToken] : []), ...(auth.secrets ?? [])])];
    default:
      return [];
  }
}
