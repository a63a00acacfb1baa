/**
 * The KMS side of envelope encryption: hands out fresh 256-bit data keys together with
 * their encrypted form, and decrypts an encrypted data key back. The encryption context is
 * bound in (AWS KMS: EncryptionContext; local keyring: AES-GCM additional data), so a data
 * key copied to another secret's row will not decrypt.
 */
export interface DataKey {
  plaintext: Buffer;
  encrypted: Buffer;
  /** Which master key wrapped it; stored beside the secret so rotation knows what to redo. */
  keyId: string;
}

export type EncryptionContext = Record<string, string>;

export interface KeyManager {
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  decryptDataKey(encrypted: Buffer, keyId: string, context: EncryptionContext): Promise<Buffer>;
  /** The master key new data keys are wrapped with. */
  currentKeyId(): Promise<string>;
}
