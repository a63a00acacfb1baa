/** Auth kind `bearer`: `Authorization: Bearer <secret>`. */
import type { BuiltRequest } from '../../activities/http-request';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import type { BearerAuthConfig } from './grammar';

export class BearerSigner extends CredentialSigner<BearerAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    request.headers.authorization = `Bearer ${this.credentials.get(this.auth.secret)}`;
  }
}
