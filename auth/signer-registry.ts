/**
 * The auth kinds DIF knows, at run time: kind → signer. The mapped type makes the list
 * exhaustive: a kind in auth/grammar-registry.ts without a signer here does not compile.
 */
import { ExpressionError } from '../core/errors';
import { finalFailure } from '../activities/failures';
import type { AuthKind, AuthOfKind } from './grammar-registry';
import type { Signer, SignerContext, SignerFactory } from './signer';
import { ApiKeySigner } from './apiKey/signer';
import { BasicSigner } from './basic/signer';
import { BearerSigner } from './bearer/signer';
import { HeaderSigner } from './header/signer';
import { LoginSigner } from './login/signer';
import { NoSigner } from './none/signer';
import { OAuth2Signer } from './oauth2/signer';
import { HmacSigner } from './hmac/signer';
import { AwsSigV4Signer } from './awsSigV4/signer';
import { GoogleServiceAccountSigner } from './googleServiceAccount/signer';
import { JwtClientSecretSigner } from './jwtClientSecret/signer';
import { OAuth1Signer } from './oauth1/signer';

export const signerFactories: { [K in AuthKind]: SignerFactory<AuthOfKind<K>> } = {
  none: () => new NoSigner(),
  apiKey: (auth, context) => new ApiKeySigner(auth, context),
  bearer: (auth, context) => new BearerSigner(auth, context),
  basic: (auth, context) => new BasicSigner(auth, context),
  header: (auth, context) => new HeaderSigner(auth, context),
  oauth2: (auth, context) => new OAuth2Signer(auth, context),
  googleServiceAccount: (auth, context) => new GoogleServiceAccountSigner(auth, context),
  jwtClientSecret: (auth, context) => new JwtClientSecretSigner(auth, context),
  login: (auth, context) => new LoginSigner(auth, context),
  hmac: (auth, context) => new HmacSigner(auth, context),
  awsSigV4: (auth, context) => new AwsSigV4Signer(auth, context),
  oauth1: (auth, context) => new OAuth1Signer(auth, context),
};

/** The prepared signer for a vendor's auth block, for one activity. */
export async function openSigner(context: SignerContext): Promise<Signer> {
  const auth = context.config.auth;
  const signer = (signerFactories[auth.kind] as SignerFactory<typeof auth>)(auth, context);
  await signer.prepare();
  return templateErrorsFinal(signer);
}

/**
 * A template of the auth block that fails fails the same way on every attempt: a final
 * ConfigError (its message scrubbed by the activity's scope as it leaves).
 */
function templateErrorsFinal(signer: Signer): Signer {
  return {
    prepare: () => signer.prepare(),
    sign: async (request) => {
      try {
        await signer.sign(request);
      } catch (e) {
        if (e instanceof ExpressionError) throw finalFailure('ConfigError', e.message);
        throw e;
      }
    },
    placeValue: async (name) => signer.placeValue?.(name),
    renew: () => signer.renew(),
    held: () => signer.held(),
  };
}
