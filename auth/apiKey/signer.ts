/** Auth kind `apiKey`: the key in a header or a query parameter. */
import type { BuiltRequest } from '../../activities/http-request';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import type { ApiKeyAuthConfig } from './grammar';

export class ApiKeySigner extends CredentialSigner<ApiKeyAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const key = this.credentials.get(this.auth.secret);
    if (this.auth.in === 'header') request.headers[this.auth.name.toLowerCase()] = key;
    else request.url.searchParams.set(this.auth.name, key);
  }
}
