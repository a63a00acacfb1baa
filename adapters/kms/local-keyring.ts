import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKey, EncryptionContext, KeyManager } from './key-manager';

interface KeyringFile {
  current: string;
  keys: Record<string, string>; // id -> base64 256-bit master key
}

/**
 * Development stand-in for AWS KMS with the same envelope format: master keys live in a
 * file (mode 0600) outside the repository; `rotate()` adds a new current master key and
 * keeps the old ones for decrypting what they wrapped.
 */
export class LocalKeyring implements KeyManager {
  constructor(private readonly file: string) {}

  private read(): KeyringFile {
    if (!fs.existsSync(this.file)) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const id = `local-${Date.now().toString(36)}`;
      const initial: KeyringFile = { current: id, keys: { [id]: randomBytes(32).toString('base64') } };
      fs.writeFileSync(this.file, JSON.stringify(initial, null, 2), { mode: 0o600, flag: 'wx' });
    }
    return JSON.parse(fs.readFileSync(this.file, 'utf8')) as KeyringFile;
  }

  private master(keyId: string): Buffer {
    const material = this.read().keys[keyId];
    if (!material) throw new Error(`local keyring ${this.file} has no master key "${keyId}"`);
    return Buffer.from(material, 'base64');
  }

  async currentKeyId(): Promise<string> {
    return this.read().current;
  }

  async rotate(): Promise<string> {
    const ring = this.read();
    const id = `local-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    ring.keys[id] = randomBytes(32).toString('base64');
    ring.current = id;
    fs.writeFileSync(this.file, JSON.stringify(ring, null, 2), { mode: 0o600 });
    return id;
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const keyId = await this.currentKeyId();
    const plaintext = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.master(keyId), iv);
    cipher.setAAD(contextBytes(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, encrypted: Buffer.concat([iv, cipher.getAuthTag(), body]), keyId };
  }

  async decryptDataKey(encrypted: Buffer, keyId: string, context: EncryptionContext): Promise<Buffer> {
    const decipher = createDecipheriv('aes-256-gcm', this.master(keyId), encrypted.subarray(0, 12));
    decipher.setAAD(contextBytes(context));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]);
    } catch {
      throw new Error('data key does not decrypt: wrong master key or encryption context, or tampered');
    }
  }
}

/** Canonical bytes of a context: sorted keys, so the same context always gives the same AAD. */
export function contextBytes(context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]])));
}
