import { DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { DataKey, EncryptionContext, KeyManager } from './key-manager';

export interface AwsKmsOptions {
  keyId: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** AWS KMS (or local-kms in tests): GenerateDataKey / Decrypt with an EncryptionContext. */
export class AwsKms implements KeyManager {
  private readonly client: KMSClient;
  private resolvedKeyId?: string;

  constructor(private readonly options: AwsKmsOptions) {
    this.client = new KMSClient({
      region: options.region,
      endpoint: options.endpoint,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
    });
  }

  async currentKeyId(): Promise<string> {
    if (!this.resolvedKeyId) {
      const out = await this.client.send(new DescribeKeyCommand({ KeyId: this.options.keyId }));
      if (!out.KeyMetadata?.Arn) throw new Error(`KMS key ${this.options.keyId} not found`);
      this.resolvedKeyId = out.KeyMetadata.Arn;
    }
    return this.resolvedKeyId;
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const out = await this.client.send(
      new GenerateDataKeyCommand({ KeyId: this.options.keyId, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    if (!out.Plaintext || !out.CiphertextBlob || !out.KeyId) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: Buffer.from(out.Plaintext), encrypted: Buffer.from(out.CiphertextBlob), keyId: out.KeyId };
  }

  async decryptDataKey(encrypted: Buffer, keyId: string, context: EncryptionContext): Promise<Buffer> {
    try {
      const out = await this.client.send(
        new DecryptCommand({ CiphertextBlob: encrypted, KeyId: keyId, EncryptionContext: context }),
      );
      if (!out.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
      return Buffer.from(out.Plaintext);
    } catch (e) {
      // The SDK's message never includes the ciphertext; keep only the error's name and text.
      throw new Error(`KMS could not decrypt the data key (${(e as Error).name}: ${(e as Error).message})`);
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
