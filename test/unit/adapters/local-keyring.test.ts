/**
 * The local keyring at rest: every master key survives rotations from several processes at
 * once, the file is never seen half-written, and AES-GCM refuses a tag shorter than 16 bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { LocalKeyring, contextBytes } from '../../../adapters/kms/local-keyring';
import { seal, unseal } from '../../../adapters/kms/envelope';
import type { DataKey, EncryptionContext, KeyManager } from '../../../adapters/kms/key-manager';

const root = path.resolve(__dirname, '../../..');
const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dif-keyring-'));

interface Rotator {
  ready: Promise<void>;
  result: Promise<{ initial: string; added: string[] }>;
}

function rotateInChild(file: string, rotations: number, goFile: string): Rotator {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const result = new Promise<{ initial: string; added: string[] }>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', path.join(root, 'test/child/ts-hook.js'), path.join(root, 'test/child/rotate-keyring.ts'), file, String(rotations), goFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n')) ready();
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.slice('ready\n'.length))) : reject(new Error(`child exited ${code}: ${err}`))));
  });
  result.catch(() => undefined); // seen through Promise.all below; never an unhandled rejection
  return { ready: isReady, result };
}

describe('concurrent rotations from separate processes', () => {
  test('two processes, 15 rotations each, on a keyring neither has created: every key survives and readers never see half a file', async () => {
    const dir = scratch();
    const file = path.join(dir, 'keyring.json');
    const goFile = path.join(dir, 'go');
    const children = [rotateInChild(file, 15, goFile), rotateInChild(file, 15, goFile)];
    // Both children loaded, then both begin at the same moment.
    await Promise.race([Promise.all(children.map((c) => c.ready)), Promise.all(children.map((c) => c.result))]);
    fs.writeFileSync(goFile, '');

    // Read the file as a third process would, all the time the children rotate.
    let reads = 0;
    let finished = false;
    const all = Promise.all(children.map((c) => c.result)).finally(() => (finished = true));
    all.catch(() => undefined); // awaited after the loop; a failed read must not leave it unhandled
    while (!finished) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      if (text !== undefined) {
        expect(() => JSON.parse(text)).not.toThrow();
        reads++;
      }
      await new Promise((r) => setImmediate(r));
    }
    const results = await all;

    expect(reads).toBeGreaterThan(10); // the reader really ran during the rotations
    const ring = JSON.parse(fs.readFileSync(file, 'utf8')) as { current: string; keys: Record<string, string> };
    const added = results.flatMap((r) => r.added);
    expect(new Set(added).size).toBe(30);
    // Every key either process saw or added is there, and one more: the keyring was created once (a second
    // creation would have replaced the first one's key, which one process then used).
    for (const id of [...added, ...results.map((r) => r.initial)]) expect(Object.keys(ring.keys)).toContain(id);
    expect(Object.keys(ring.keys)).toHaveLength(31);
    expect([results[0].added.at(-1), results[1].added.at(-1)]).toContain(ring.current);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['go', 'keyring.json']); // no temp file or lock left behind
  }, 60_000);

  test('rotations in one process, started together, all survive', async () => {
    const ring = new LocalKeyring(path.join(scratch(), 'keyring.json'));
    const first = await ring.currentKeyId();
    const added = await Promise.all(Array.from({ length: 8 }, () => ring.rotate()));
    const ids = [first, ...added];
    for (const id of ids) {
      const context = { customer: 'c', vendor: 'v', secret: id };
      // Each master key still wraps and unwraps: a data key made under it decrypts.
      const pinned: KeyManager = { ...ring, currentKeyId: async () => id, generateDataKey: (c) => ring.generateDataKey(c), decryptDataKey: (e, k, c) => ring.decryptDataKey(e, k, c) };
      expect((await pinned.decryptDataKey((await ring.generateDataKey(context)).encrypted, await ring.currentKeyId(), context)).length).toBe(32);
    }
    const file = JSON.parse(fs.readFileSync((ring as unknown as { file: string }).file, 'utf8')) as { keys: Record<string, string> };
    expect(Object.keys(file.keys).sort()).toEqual([...ids].sort());
  });
});

test('a keyring that is not JSON is refused by name, not overwritten', async () => {
  const file = path.join(scratch(), 'keyring.json');
  fs.writeFileSync(file, '{"current": "local-x", "keys": {');
  const ring = new LocalKeyring(file);
  await expect(ring.rotate()).rejects.toThrow(`local keyring ${file} is not valid JSON`);
  expect(fs.readFileSync(file, 'utf8')).toBe('{"current": "local-x", "keys": {');
});

describe('AES-GCM tags are 16 bytes, never fewer', () => {
  const context: EncryptionContext = { customer: 'acme', vendor: 'demo-ads', secret: 'api_key' };

  /** A KMS whose data key we know, so the test can forge values under it. */
  function knownKeyKms(): { kms: KeyManager; key: Buffer } {
    const key = randomBytes(32);
    const kms: KeyManager = {
      currentKeyId: async () => 'k',
      generateDataKey: async (): Promise<DataKey> => ({ plaintext: Buffer.from(key), encrypted: Buffer.from('wrapped'), keyId: 'k' }),
      decryptDataKey: async () => Buffer.from(key),
    };
    return { kms, key };
  }

  /** iv | 4-byte tag, genuine for an empty plaintext: what an attacker can forge in 2^32 tries. */
  function fourByteTag(key: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 4 });
    cipher.setAAD(contextBytes(context));
    cipher.final();
    return Buffer.concat([iv, cipher.getAuthTag()]);
  }

  test('a secret whose tag is 4 bytes is refused with the lengths named', async () => {
    const { kms, key } = knownKeyKms();
    const error = await unseal(kms, { ciphertext: fourByteTag(key), encryptedDataKey: Buffer.from('wrapped'), keyId: 'k' }, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('SealedFormatError');
    expect((error as Error).message).toBe('the secret ciphertext is 16 bytes, shorter than its 12-byte IV and 16-byte auth tag: truncated or altered');
  });

  test('a sealed secret cut inside its tag is refused; whole, it opens', async () => {
    const { kms } = knownKeyKms();
    const sealed = await seal(kms, 'sk_live_value', context);
    expect(await unseal(kms, sealed, context)).toBe('sk_live_value');
    for (const length of [0, 11, 12, 16, 27]) {
      const cut = { ...sealed, ciphertext: sealed.ciphertext.subarray(0, length) };
      await expect(unseal(kms, cut, context)).rejects.toThrow(`the secret ciphertext is ${length} bytes, shorter than its 12-byte IV and 16-byte auth tag`);
    }
    // 28 bytes holds a whole tag but not the body: an authentication failure, not a format one.
    await expect(unseal(kms, { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 28) }, context)).rejects.toThrow(/^secret does not decrypt: it was altered/);
  });

  test('the local keyring refuses a data key whose tag is cut short', async () => {
    const ring = new LocalKeyring(path.join(scratch(), 'keyring.json'));
    const dataKey = await ring.generateDataKey(context);
    expect(await ring.decryptDataKey(dataKey.encrypted, dataKey.keyId, context)).toEqual(dataKey.plaintext);
    await expect(ring.decryptDataKey(dataKey.encrypted.subarray(0, 16), dataKey.keyId, context)).rejects.toThrow(
      'the encrypted data key is 16 bytes, shorter than its 12-byte IV and 16-byte auth tag: truncated or altered',
    );
    await expect(ring.decryptDataKey(dataKey.encrypted, dataKey.keyId, { ...context, secret: 'other' })).rejects.toThrow(/^data key does not decrypt/);
  });
});
