/** Auth kind `hmac`: signs at send time (after the rate-limit wait), so the timestamp is fresh. */
import { createHmac } from 'node:crypto';
import type { BuiltRequest } from '../../activities/http-request';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import type { HmacAuthConfig } from './grammar';

export class HmacSigner extends CredentialSigner<HmacAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const timestamp = new Date().toISOString();
    const signed = `${timestamp}\n${request.method}\n${request.url.pathname}${request.url.search}`;
    request.headers['x-key-id'] = this.credentials.get(this.auth.keyId);
    request.headers['x-timestamp'] = timestamp;
    request.headers['x-signature'] = createHmac('sha256', this.credentials.get(this.auth.key)).update(signed).digest('hex');
  }
}
