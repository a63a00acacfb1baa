import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataKey, EncryptionContext, KeyManager } from './key-manager';
import { GcmAuthError, gcmOpen, gcmSeal } from './gcm';
import { writeFileAtomic } from './atomic-file';
import { withFileLock } from './file-lock';

interface KeyringFile {
  current: string;
  keys: Record<string, string>; // id -> base64 256-bit master key
}

/**
 * Development stand-in for AWS KMS with the same envelope format: master keys live in a
 * file (mode 0600) outside the repository; `rotate()` adds a new current master key and
 * keeps the old ones for decrypting what they wrapped.
 *
 * Losing this file loses every secret under it, so it is never rewritten in place: every
 * change (creation, rotation) happens under a lock shared by all processes and lands by an
 * atomic rename (adapters/kms/atomic-file.ts). Readers take no lock: they see the old file
 * or the new one, never half of either.
 */
export class LocalKeyring implements KeyManager {
  constructor(private readonly file: string) {}

  private async read(): Promise<KeyringFile> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return this.create();
    }
    return this.parse(text);
  }

  private parse(text: string): KeyringFile {
    let ring: KeyringFile;
    try {
      ring = JSON.parse(text) as KeyringFile;
    } catch (e) {
      throw new Error(`local keyring ${this.file} is not valid JSON (${(e as Error).message}); restore it from a backup`);
    }
    if (!ring || typeof ring.current !== 'string' || !ring.keys || typeof ring.keys[ring.current] !== 'string') {
      throw new Error(`local keyring ${this.file} has no current master key; restore it from a backup`);
    }
    return ring;
  }

  /** The first use makes the file; under the lock, so two processes starting at once agree on one key. */
  private async create(): Promise<KeyringFile> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    return withFileLock(this.file, async (stillHeld) => {
      if (fs.existsSync(this.file)) return this.parse(await fs.promises.readFile(this.file, 'utf8'));
      const id = newKeyId();
      const ring: KeyringFile = { current: id, keys: { [id]: randomBytes(32).toString('base64') } };
      stillHeld();
      await writeFileAtomic(this.file, JSON.stringify(ring, null, 2), 0o600);
      return ring;
    });
  }

  private async master(keyId: string): Promise<Buffer> {
    const material = (await this.read()).keys[keyId];
    if (!material) throw new Error(`local keyring ${this.file} has no master key "${keyId}"`);
    return Buffer.from(material, 'base64');
  }

  async currentKeyId(): Promise<string> {
    return (await this.read()).current;
  }

  /** Adds a master key and makes it current. Read, change and write happen under the lock, so a concurrent rotation's key is kept. */
  async rotate(): Promise<string> {
    await this.read(); // creates the file on first use
    return withFileLock(this.file, async (stillHeld) => {
      const ring = this.parse(await fs.promises.readFile(this.file, 'utf8'));
      const id = newKeyId();
      ring.keys[id] = randomBytes(32).toString('base64');
      ring.current = id;
      stillHeld();
      await writeFileAtomic(this.file, JSON.stringify(ring, null, 2), 0o600);
      return id;
    });
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const ring = await this.read();
    const keyId = ring.current;
    const plaintext = randomBytes(32);
    const encrypted = gcmSeal(Buffer.from(ring.keys[keyId], 'base64'), plaintext, contextBytes(context));
    return { plaintext, encrypted, keyId };
  }

  async decryptDataKey(encrypted: Buffer, keyId: string, context: EncryptionContext): Promise<Buffer> {
    try {
      return gcmOpen(await this.master(keyId), encrypted, contextBytes(context), 'the encrypted data key');
    } catch (e) {
      if (e instanceof GcmAuthError) throw new Error('data key does not decrypt: wrong master key or encryption context, or tampered');
      throw e;
    }
  }
}

/** Unique across processes rotating in the same millisecond. */
const newKeyId = () => `local-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** Canonical bytes of a context: sorted keys, so the same context always gives the same AAD. */
export function contextBytes(context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]])));
}
