/**
 * Auth kind `hmac`: renders the string to sign in the expression sandbox, computes the HMAC
 * here with node:crypto (the key never enters a template's result), then renders the headers
 * with the signature beside the same variables.
 */
import { createHmac } from 'node:crypto';
import type { BuiltRequest } from '../../activities/http-request';
import { usingScope } from '../../runtime/expression/expression';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import { signingClock } from '../signing-clock';
import type { HmacAuthConfig } from './grammar';

export class HmacSigner extends CredentialSigner<HmacAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const where = `${this.context.config.vendor}: $.auth`;
    const now = signingClock.now().getTime(); // read here, after the rate-limit wait: fresh when sent
    const variables = {
      ...this.templateVariables(),
      request: { method: request.method, path: request.url.pathname, query: request.url.search.replace(/^\?/, ''), body: request.body ?? '' },
      timestamp: { ms: String(now), s: String(Math.floor(now / 1000)), iso: new Date(now).toISOString() },
      nonce: signingClock.nonce(),
    };
    usingScope(variables, (scope) => {
      const text = scope.render(this.auth.stringToSign, `${where}.stringToSign`, 'text');
      const signature = createHmac(this.auth.algorithm ?? 'sha256', this.credentials.get(this.auth.key))
        .update(text, 'utf8')
        .digest(this.auth.encoding ?? 'base64');
      scope.setJson('signature', JSON.stringify(signature));
      for (const [name, value] of Object.entries(this.auth.headers)) {
        request.headers[name.toLowerCase()] = scope.render(value, `${where}.headers.${name}`, 'header');
      }
    });
  }
}
