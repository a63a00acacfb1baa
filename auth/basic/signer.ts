/** Auth kind `basic`: HTTP Basic (the pair is registered whole by Credentials, from the grammar's secretPairs). */
import type { BuiltRequest } from '../../activities/http-request';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import type { BasicAuthConfig } from './grammar';

export class BasicSigner extends CredentialSigner<BasicAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const pair = `${this.credentials.get(this.auth.username)}:${this.credentials.get(this.auth.password)}`;
    request.headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
}
