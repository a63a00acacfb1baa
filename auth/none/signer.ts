/** Auth kind `none`: nothing to reveal, nothing to sign. */
import type { Signer } from '../signer';

export class NoSigner implements Signer {
  async prepare(): Promise<void> {}
  async sign(): Promise<void> {}
  renew(): boolean {
    return false;
  }
  held() {
    return { values: [], pairs: [] };
  }
}
