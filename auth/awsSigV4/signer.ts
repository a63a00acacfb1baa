/**
 * Auth kind `awsSigV4`: signs method, URL (path and query), headers and body with
 * @smithy/signature-v4, the AWS SDK's own signer, hashing with node:crypto. Signed as the
 * request stands after the rate-limit wait, so X-Amz-Date is fresh (AWS refuses a request
 * more than 5 minutes off its clock).
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { BuiltRequest } from '../../activities/http-request';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import { signingClock } from '../signing-clock';
import type { AwsSigV4AuthConfig } from './grammar';
import { NodeSha256 } from './node-sha256';

export class AwsSigV4Signer extends CredentialSigner<AwsSigV4AuthConfig> implements Signer {
  private signer?: SignatureV4;

  async sign(request: BuiltRequest): Promise<void> {
    this.signer ??= new SignatureV4({
      service: this.auth.service,
      region: this.auth.region,
      credentials: {
        accessKeyId: this.credentials.get(this.auth.accessKeyId),
        secretAccessKey: this.credentials.get(this.auth.secretAccessKey),
        sessionToken: this.auth.sessionToken ? this.credentials.get(this.auth.sessionToken) : undefined,
      },
      sha256: NodeSha256,
      // Every AWS service but S3 wants the path escaped again and no payload hash header.
      uriEscapePath: true,
      applyChecksum: false,
    });
    const { url } = request;
    const signed = await this.signer.sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query: queryOf(url),
        // fetch sends Host from the URL; it is signed, never set by hand.
        headers: { ...request.headers, host: url.host },
        body: request.body,
      },
      { signingDate: signingClock.now() },
    );
    for (const [name, value] of Object.entries(signed.headers)) {
      if (name.toLowerCase() !== 'host') request.headers[name.toLowerCase()] = value;
    }
  }
}

/** Decoded query parameters, repeated names as arrays: the signer encodes them itself. */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? values[0] : values;
  }
  return query;
}
