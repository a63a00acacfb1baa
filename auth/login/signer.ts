/** Auth kind `login`: a login call gives a session token (cached by TokenSigner), sent in a header. */
import { buildRequest, type BuiltRequest } from '../../activities/http-request';
import { finalFailure } from '../../activities/failures';
import { registerSecret } from '../../activities/secret-scope';
import { usingScope } from '../../runtime/expression/expression';
import type { Signer } from '../signer';
import { TokenSigner, type CachedToken } from '../token-signer';
import type { LoginAuthConfig } from './grammar';

export class LoginSigner extends TokenSigner<LoginAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const token = await this.token();
    const { value } = this.auth;
    request.headers[this.auth.header.toLowerCase()] = value ? usingScope({ token }, (scope) => scope.render(value, `${this.context.config.vendor}: $.auth.value`, 'header')) : token;
  }

  protected async obtain(): Promise<CachedToken> {
    const { auth } = this;
    const { config } = this.context;
    const request = usingScope(this.templateVariables(), (scope) => buildRequest(config, auth.request, scope, `${config.vendor}: $.auth.request`));
    if (auth.basic) {
      const pair = `${this.credentials.get(auth.basic.username)}:${this.credentials.get(auth.basic.password)}`;
      request.headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    const body = await this.tokenCall(request.url, { method: request.method, headers: request.headers, body: request.body });
    registerTokenLike(body);
    const token = usingScope({ response: body }, (scope) => scope.evaluate(auth.token, `${config.vendor}: $.auth.token`));
    if (typeof token !== 'string' || !token) throw finalFailure('CredentialError', `${request.label}: $.auth.token gave no token`);
    registerSecret(token);
    return { value: token, expiresAt: Date.now() + (auth.ttlSeconds ?? 3600) * 1000 };
  }
}

/** Field names under which a login answer carries a credential. */
const TOKEN_FIELD = /token|secret|key|session|sid|password|auth|cookie/i;

/**
 * Registers what a login answer holds under credential-like names, before the `token`
 * expression reads it: that expression may fail quoting the answer. Only those fields,
 * not every string, or ordinary words ("ok", the user name) would be scrubbed too.
 */
function registerTokenLike(value: unknown, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && TOKEN_FIELD.test(key)) registerSecret(v);
    else registerTokenLike(v, depth + 1);
  }
}
