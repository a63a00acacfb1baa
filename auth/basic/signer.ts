/**
 * Auth kind `basic`: HTTP Basic. A credential pair is registered whole by Credentials (the
 * grammar's secretPairs); a user name rendered from inputs is paired here, so the header's
 * base64, which shows neither half, is scrubbed too.
 */
import type { BuiltRequest } from '../../activities/http-request';
import { registerPair } from '../../activities/secret-scope';
import { usingScope } from '../../runtime/expression/expression';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import type { BasicAuthConfig } from './grammar';

export class BasicSigner extends CredentialSigner<BasicAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    // No password credential: the API key is the user name and the password is empty (`key:`).
    const password = this.auth.password === undefined ? '' : this.credentials.get(this.auth.password);
    request.headers.authorization = `Basic ${Buffer.from(`${this.username()}:${password}`).toString('base64')}`;
  }

  private username(): string {
    const template = this.auth.usernameTemplate;
    if (template === undefined) return this.credentials.get(this.auth.username!);
    const user = usingScope({ inputs: this.context.inputs ?? {} }, (scope) => scope.render(template, `${this.context.config.vendor}: $.auth.usernameTemplate`, 'header'));
    registerPair(user, this.credentials.get(this.auth.password!));
    return user;
  }
}
