/** Auth kind `header`: one header rendered from a template over the listed credentials. */
import type { BuiltRequest } from '../../activities/http-request';
import { usingScope } from '../../runtime/expression/expression';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import type { HeaderAuthConfig } from './grammar';

export class HeaderSigner extends CredentialSigner<HeaderAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const where = `${this.context.config.vendor}: $.auth.value`;
    request.headers[this.auth.name.toLowerCase()] = usingScope(this.templateVariables(), (scope) => scope.render(this.auth.value, where, 'header'));
  }
}
