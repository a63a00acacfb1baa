/**
 * The credentials an auth block names, revealed inside the activity just before use. The
 * store registers each value with the activity's secret scope as it reveals it; the pairs
 * a kind sends joined (Basic) are registered here, so a failure quoting the header is
 * scrubbed too.
 */
import { finalFailure } from '../activities/failures';
import { registerPair } from '../activities/secret-scope';
import { authSecretNames, authSecretPairs, type AuthConfig } from './grammar-registry';
import type { HeldSecrets, SignerContext } from './signer';

export class Credentials {
  private constructor(
    private readonly values: Record<string, string>,
    private readonly pairNames: [string, string][],
  ) {}

  static async reveal({ deps, config, customer }: SignerContext, auth: AuthConfig): Promise<Credentials> {
    const values: Record<string, string> = {};
    for (const name of authSecretNames(auth)) {
      try {
        values[name] = await deps.credentials.reveal({ customerId: customer, vendor: config.vendor, name });
      } catch (e) {
        throw finalFailure('CredentialError', (e as Error).message);
      }
    }
    const pairNames = authSecretPairs(auth);
    for (const [a, b] of pairNames) registerPair(values[a], values[b]);
    return new Credentials(values, pairNames);
  }

  get(name: string): string {
    return this.values[name];
  }

  /** A credential the vendor rotated (an OAuth 2 refresh token), already stored back. */
  replace(name: string, value: string): void {
    this.values[name] = value;
  }

  /** By name: what templates read as `secrets.<name>`. */
  byName(): Record<string, string> {
    return this.values;
  }

  held(): HeldSecrets {
    return { values: Object.values(this.values), pairs: this.pairNames.map(([a, b]) => [this.values[a], this.values[b]]) };
  }
}

/** The usual signer's first half: reveals its block's credentials once, and never renews. */
export abstract class CredentialSigner<A extends AuthConfig> {
  protected credentials!: Credentials;

  constructor(
    protected readonly auth: A,
    protected readonly context: SignerContext,
  ) {}

  async prepare(): Promise<void> {
    this.credentials = await Credentials.reveal(this.context, this.auth);
  }

  renew(): boolean {
    return false;
  }

  /** `secrets.<name>`: a credential of this block (validation allows only those it lists). */
  async placeValue(name: string): Promise<string | undefined> {
    return name.startsWith('secrets.') ? this.credentials.byName()[name.slice('secrets.'.length)] : undefined;
  }

  held(): HeldSecrets {
    return this.credentials.held();
  }

  /** What the block's templates read: its credentials as `secrets`, the customer's `inputs`. */
  protected templateVariables(): { secrets: Record<string, string>; inputs: Record<string, unknown> } {
    return { secrets: this.credentials.byName(), inputs: this.context.inputs ?? {} };
  }
}
