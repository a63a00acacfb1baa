import type mysql from 'mysql2/promise';

export interface CustomerVendor {
  customerId: string;
  vendor: string;
  inputs: Record<string, unknown>;
  overrides: Record<string, unknown>;
  enabled: boolean;
}

/** Customers and the vendors they use: the non-secret inputs that feed each run. */
export class CustomerRepository {
  constructor(private readonly pool: mysql.Pool) {}

  async upsertCustomer(id: string, name: string): Promise<void> {
    await this.pool.query('INSERT INTO customers (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)', [
      id,
      name,
    ]);
  }

  async upsertCustomerVendor(
    customerId: string,
    vendor: string,
    inputs: Record<string, unknown>,
    overrides: Record<string, unknown> = {},
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO customer_vendors (customer_id, vendor, inputs, overrides) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE inputs = VALUES(inputs), overrides = VALUES(overrides), enabled = TRUE`,
      [customerId, vendor, JSON.stringify(inputs), JSON.stringify(overrides)],
    );
  }

  async findCustomerVendor(customerId: string, vendor: string): Promise<CustomerVendor | undefined> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      'SELECT customer_id, vendor, inputs, overrides, enabled FROM customer_vendors WHERE customer_id = ? AND vendor = ?',
      [customerId, vendor],
    );
    const row = rows[0];
    if (!row) return undefined;
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
    return {
      customerId: row.customer_id,
      vendor: row.vendor,
      inputs: json(row.inputs),
      overrides: json(row.overrides),
      enabled: Boolean(row.enabled),
    };
  }

  /** Customers with this vendor enabled, for `dif backfill --customer all`. */
  async listCustomersOfVendor(vendor: string): Promise<string[]> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      'SELECT customer_id FROM customer_vendors WHERE vendor = ? AND enabled ORDER BY customer_id',
      [vendor],
    );
    return rows.map((r) => String(r.customer_id));
  }
}
