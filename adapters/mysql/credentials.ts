import type mysql from 'mysql2/promise';
import type { KeyManager } from '../kms/key-manager';
import { seal, unseal } from '../kms/envelope';
import { registerSecret } from '../../activities/secret-scope';

export interface CredentialRef {
  customerId: string;
  vendor: string;
  name: string;
}

export interface CredentialInfo extends CredentialRef {
  keyId: string;
  updatedAt: string;
}

export interface RotationReport {
  rotated: number;
  /** Changed by a concurrent `set` meanwhile: already under a fresh data key. */
  skipped: number;
  /** Rows that did not decrypt (tampered, or their master key is gone); messages hold no value. */
  failed: (CredentialRef & { error: string })[];
}

/**
 * The longest secret a row holds, in UTF-8 bytes: `credentials.ciphertext` is VARBINARY(8192)
 * and also carries the 12-byte IV and 16-byte auth tag (adapters/kms/gcm.ts).
 */
export const MAX_SECRET_BYTES = 8192 - 28;

/** A value `set` refuses (empty, too long). The message never quotes the value. */
export class CredentialValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialValueError';
  }
}

const context = (ref: CredentialRef) => ({ customer: ref.customerId, vendor: ref.vendor, secret: ref.name });

/**
 * Encrypted secrets in MySQL. Values go in through `set` and come out only through `reveal`,
 * which only activities call, just before use. Nothing here logs or returns a value otherwise.
 * Every value revealed (or set, as a rotated refresh token is) inside an activity is
 * registered with that activity's secret scope, so its failures and logs are scrubbed of
 * it whatever code later quotes it (activities/secret-scope.ts).
 */
export class CredentialStore {
  constructor(
    private readonly pool: mysql.Pool,
    private readonly kms: KeyManager,
  ) {}

  async set(ref: CredentialRef, value: string): Promise<void> {
    if (!value) throw new CredentialValueError(`credential ${describe(ref)} must not be empty`);
    // Checked here, before KMS or MySQL: MySQL's own refusal ("Data too long") names no limit.
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_SECRET_BYTES) {
      throw new CredentialValueError(`credential ${describe(ref)} is ${bytes} bytes; a credential holds at most ${MAX_SECRET_BYTES} bytes (UTF-8)`);
    }
    registerSecret(value);
    const sealed = await seal(this.kms, value, context(ref));
    await this.pool.query(
      `INSERT INTO credentials (customer_id, vendor, name, ciphertext, encrypted_data_key, key_id) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE ciphertext = VALUES(ciphertext), encrypted_data_key = VALUES(encrypted_data_key), key_id = VALUES(key_id)`,
      [ref.customerId, ref.vendor, ref.name, sealed.ciphertext, sealed.encryptedDataKey, sealed.keyId],
    );
  }

  /**
   * `notSecret`: a value kept here for convenience that messages may show (a file
   * source's user name, which is in its paths, or a CA certificate); it is not registered.
   */
  async reveal(ref: CredentialRef, options: { notSecret?: boolean } = {}): Promise<string> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      'SELECT ciphertext, encrypted_data_key, key_id FROM credentials WHERE customer_id = ? AND vendor = ? AND name = ?',
      [ref.customerId, ref.vendor, ref.name],
    );
    const row = rows[0];
    if (!row) {
      throw new Error(
        `no credential ${describe(ref)}; set it with: dif credentials set ${ref.vendor} ${ref.name} --customer ${ref.customerId}`,
      );
    }
    let value: string;
    try {
      value = await unseal(
        this.kms,
        { ciphertext: row.ciphertext, encryptedDataKey: row.encrypted_data_key, keyId: row.key_id },
        context(ref),
      );
    } catch (e) {
      throw new Error(`credential ${describe(ref)}: ${(e as Error).message}`);
    }
    if (!options.notSecret) registerSecret(value);
    return value;
  }

  async list(filter: { customerId?: string; vendor?: string } = {}): Promise<CredentialInfo[]> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      `SELECT customer_id, vendor, name, key_id, updated_at FROM credentials
       WHERE (? IS NULL OR customer_id = ?) AND (? IS NULL OR vendor = ?) ORDER BY customer_id, vendor, name`,
      [filter.customerId ?? null, filter.customerId ?? null, filter.vendor ?? null, filter.vendor ?? null],
    );
    return rows.map((r) => ({ customerId: r.customer_id, vendor: r.vendor, name: r.name, keyId: r.key_id, updatedAt: r.updated_at }));
  }

  /**
   * Re-encrypts secrets under the KMS key now current, each with a fresh data key, one row
   * at a time while ingestions keep running. Each row changes in one UPDATE (ciphertext,
   * wrapped data key and key id together), so a concurrent reveal reads either the old
   * triple or the new one, and both decrypt: old master keys stay available for decrypting.
   * The UPDATE only applies if the row still holds what was read, so a `set` racing the
   * rotation wins (that row is counted as skipped: it is already under a fresh key).
   * A row that does not decrypt is reported by name and left as it is.
   */
  async rotate(filter: { customerId?: string; vendor?: string } = {}): Promise<RotationReport> {
    const report: RotationReport = { rotated: 0, skipped: 0, failed: [] };
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      `SELECT customer_id, vendor, name, ciphertext, encrypted_data_key, key_id FROM credentials
       WHERE (? IS NULL OR customer_id = ?) AND (? IS NULL OR vendor = ?) ORDER BY customer_id, vendor, name`,
      [filter.customerId ?? null, filter.customerId ?? null, filter.vendor ?? null, filter.vendor ?? null],
    );
    for (const row of rows) {
      const ref = { customerId: row.customer_id, vendor: row.vendor, name: row.name };
      try {
        const value = await unseal(
          this.kms,
          { ciphertext: row.ciphertext, encryptedDataKey: row.encrypted_data_key, keyId: row.key_id },
          context(ref),
        );
        const sealed = await seal(this.kms, value, context(ref));
        const [result] = await this.pool.query<mysql.ResultSetHeader>(
          `UPDATE credentials SET ciphertext = ?, encrypted_data_key = ?, key_id = ?
           WHERE customer_id = ? AND vendor = ? AND name = ? AND ciphertext = ?`,
          [sealed.ciphertext, sealed.encryptedDataKey, sealed.keyId, ref.customerId, ref.vendor, ref.name, row.ciphertext],
        );
        if (result.affectedRows === 1) report.rotated++;
        else report.skipped++;
      } catch (e) {
        report.failed.push({ ...ref, error: (e as Error).message });
      }
    }
    return report;
  }

  async delete(ref: CredentialRef): Promise<boolean> {
    const [result] = await this.pool.query<mysql.ResultSetHeader>(
      'DELETE FROM credentials WHERE customer_id = ? AND vendor = ? AND name = ?',
      [ref.customerId, ref.vendor, ref.name],
    );
    return result.affectedRows > 0;
  }
}

function describe(ref: CredentialRef): string {
  return `"${ref.name}" for customer ${ref.customerId} and vendor ${ref.vendor}`;
}
