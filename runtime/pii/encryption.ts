/**
 * `protect: "encrypt"`: deterministic, reversible encryption of a normalised personal value
 * under the customer's own data key, for customers who must re-identify people (activation)
 * yet keep joins and dedup working. The same value always gives the same cell for one
 * customer; only the holder of the key (the clean room, whose MySQL and KMS keep it
 * wrapped) can turn the cell back into the value. Deterministic encryption leaks equality
 * (two cells are equal exactly when the values are) and length (to the byte), nothing else.
 *
 * Why this mode and this library: Node's crypto has no deterministic AEAD (no AES-SIV, no
 * AES-GCM-SIV). `@noble/ciphers` is audited, maintained and dependency-free, and its
 * AES-256-GCM-SIV (RFC 8452) is nonce-misuse resistant: reusing a nonce reveals only that
 * two plaintexts are equal, which is exactly the determinism we want. Its 1.x line is the
 * last one that ships CommonJS (2.x is ESM-only, which this CommonJS build on Node 20 cannot
 * require), hence the pin. AES-SIV (RFC 5297) would do as well, but the only JS packages
 * for it are unmaintained.
 *
 * The nonce is synthetic: 96 bits of HMAC-SHA-256 (under a subkey) of the kind and the
 * value. The same value always gets the same nonce (determinism), and two different values
 * (almost surely) get different ones, so GCM-SIV's ordinary nonce-respecting bounds hold
 * between different values instead of its weaker bounds for one nonce used throughout.
 * The kind is the associated data: an email's cell does not decrypt as a name.
 *
 * Cell shape (declared in core/pii.ts, checked by the clean room's export): `enc:v1:`
 * followed by the unpadded base64url of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { gcmsiv } from '@noble/ciphers/aes';
import { CELL_NONCE_BYTES as NONCE_BYTES, ENCRYPTED_PREFIX, isEncryptedCell, PII_KINDS as KINDS, PiiDecryptError, PiiValueError, type PiiKind } from '../../core/pii';

/**
 * One customer's cipher: the two subkeys are derived once from the 256-bit data key
 * (HKDF-SHA-256 with distinct labels), so the data key itself is used for nothing else.
 */
export class PiiCipher {
  private readonly encryptionKey: Uint8Array;
  private readonly nonceKey: Buffer;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new PiiValueError('the customer PII encryption key must hold 256 bits');
    this.encryptionKey = new Uint8Array(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'dif pii encrypt v1: aes-256-gcm-siv key', 32));
    this.nonceKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'dif pii encrypt v1: synthetic nonce key', 32));
  }

  /** The cell of an already normalised value. */
  encrypt(kind: PiiKind, normalised: string): string {
    const plaintext = Buffer.from(normalised, 'utf8');
    const nonce = createHmac('sha256', this.nonceKey).update(`${kind}:`, 'utf8').update(plaintext).digest().subarray(0, NONCE_BYTES);
    const sealed = gcmsiv(this.encryptionKey, nonce, associatedData(kind)).encrypt(plaintext);
    return ENCRYPTED_PREFIX + Buffer.concat([nonce, sealed]).toString('base64url');
  }

  /**
   * The normalised value and its kind. Without `kind`, each kind is tried (the kind is
   * authenticated, so at most one succeeds). Fails as PiiDecryptError, never quoting the cell.
   */
  decrypt(cell: string, kind?: PiiKind): { kind: PiiKind; value: string } {
    if (!isEncryptedCell(cell)) throw new PiiDecryptError(`not an encrypted cell: expected ${ENCRYPTED_PREFIX} and base64url`);
    const bytes = Buffer.from(cell.slice(ENCRYPTED_PREFIX.length), 'base64url');
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const sealed = bytes.subarray(NONCE_BYTES);
    for (const candidate of kind ? [kind] : KINDS) {
      let plaintext: Uint8Array;
      try {
        plaintext = gcmsiv(this.encryptionKey, nonce, associatedData(candidate)).decrypt(sealed);
      } catch {
        continue; // the tag did not verify under this kind
      }
      return { kind: candidate, value: Buffer.from(plaintext).toString('utf8') };
    }
    throw new PiiDecryptError(
      `the cell does not decrypt under this customer's key${kind ? ` as ${kind}` : ''}: it was altered, or encrypted under another key`,
    );
  }
}

function associatedData(kind: PiiKind): Uint8Array {
  return Buffer.from(`dif-pii:v1:${kind}`, 'utf8');
}
