import type mysql from 'mysql2/promise';
import type { KeyManager } from '../kms/key-manager';
import { seal, unseal } from '../kms/envelope';

export interface CredentialRef {
  customerId: string;
  vendor: string;
  name: string;
}

export interface CredentialInfo extends CredentialRef {
  keyId: string;
  updatedAt: string;
}

const context = (ref: CredentialRef) => ({ customer: ref.customerId, vendor: ref.vendor, secret: ref.name });

/**
 * Encrypted secrets in MySQL. Values go in through `set` and come out only through `reveal`,
 * which only activities call, just before use. Nothing here logs or returns a value otherwise.
 */
export class CredentialStore {
  constructor(
    private readonly pool: mysql.Pool,
    private readonly kms: KeyManager,
  ) {}

  async set(ref: CredentialRef, value: string): Promise<void> {
    if (!value) throw new Error(`credential ${describe(ref)} must not be empty`);
    const sealed = await seal(this.kms, value, context(ref));
    await this.pool.query(
      `INSERT INTO credentials (customer_id, vendor, name, ciphertext, encrypted_data_key, key_id) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE ciphertext = VALUES(ciphertext), encrypted_data_key = VALUES(encrypted_data_key), key_id = VALUES(key_id)`,
      [ref.customerId, ref.vendor, ref.name, sealed.ciphertext, sealed.encryptedDataKey, sealed.keyId],
    );
  }

  async reveal(ref: CredentialRef): Promise<string> {
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
    try {
      return await unseal(
        this.kms,
        { ciphertext: row.ciphertext, encryptedDataKey: row.encrypted_data_key, keyId: row.key_id },
        context(ref),
      );
    } catch (e) {
      throw new Error(`credential ${describe(ref)}: ${(e as Error).message}`);
    }
  }

  async list(filter: { customerId?: string; vendor?: string } = {}): Promise<CredentialInfo[]> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      `SELECT customer_id, vendor, name, key_id, updated_at FROM credentials
       WHERE (? IS NULL OR customer_id = ?) AND (? IS NULL OR vendor = ?) ORDER BY customer_id, vendor, name`,
      [filter.customerId ?? null, filter.customerId ?? null, filter.vendor ?? null, filter.vendor ?? null],
    );
    return rows.map((r) => ({ customerId: r.customer_id, vendor: r.vendor, name: r.name, keyId: r.key_id, updatedAt: r.updated_at }));
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
