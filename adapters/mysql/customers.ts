import type mysql from 'mysql2/promise';
import { checkCustomerValues, type CustomerValueOptions } from '../../runtime/customer-values';
import { InputError } from '../../core/run-plan';

export interface CustomerVendor {
  customerId: string;
  vendor: string;
  inputs: Record<string, unknown>;
  overrides: Record<string, unknown>;
  enabled: boolean;
  /** Fetch and preprocess run in the customer's clean room (customer_vendors.clean_room, else customers.clean_room). */
  cleanRoom: boolean;
}

/** Customers and the vendors they use: the non-secret inputs that feed each run. */
export class CustomerRepository {
  constructor(
    private readonly pool: mysql.Pool,
    /** How stored inputs and overrides are checked (runtime/customer-values.ts). */
    private readonly valueOptions: CustomerValueOptions = {},
  ) {}

  async upsertCustomer(id: string, name: string, options: { cleanRoom?: boolean } = {}): Promise<void> {
    await this.pool.query(
      // clean_room changes only when asked: re-adding a customer to rename it keeps its mark.
      `INSERT INTO customers (id, name, clean_room) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE name = VALUES(name), clean_room = IF(? IS NULL, clean_room, VALUES(clean_room))`,
      [id, name, Boolean(options.cleanRoom), options.cleanRoom ?? null],
    );
  }

  async setCleanRoom(customerId: string, cleanRoom: boolean): Promise<void> {
    const [result] = await this.pool.query<mysql.ResultSetHeader>('UPDATE customers SET clean_room = ? WHERE id = ?', [cleanRoom, customerId]);
    if (result.affectedRows === 0) throw new InputError(`no customer "${customerId}"; add it with: dif customers add`);
  }

  /** Marks one vendor of a customer clean-room (true), not (false), or as the customer is (null). */
  async setVendorCleanRoom(customerId: string, vendor: string, cleanRoom: boolean | null): Promise<void> {
    const [result] = await this.pool.query<mysql.ResultSetHeader>(
      'UPDATE customer_vendors SET clean_room = ? WHERE customer_id = ? AND vendor = ?',
      [cleanRoom, customerId, vendor],
    );
    if (result.affectedRows === 0) throw new InputError(`customer "${customerId}" has no vendor "${vendor}"; add it with: dif customers set-vendor`);
  }

  async upsertCustomerVendor(
    customerId: string,
    vendor: string,
    inputs: Record<string, unknown>,
    overrides: Record<string, unknown> = {},
  ): Promise<void> {
    // Untrusted input: checked before it is stored, and again when read (see findCustomerVendor).
    checkCustomerValues(customerId, vendor, inputs, overrides, this.valueOptions);
    await this.pool.query(
      `INSERT INTO customer_vendors (customer_id, vendor, inputs, overrides) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE inputs = VALUES(inputs), overrides = VALUES(overrides), enabled = TRUE`,
      [customerId, vendor, JSON.stringify(inputs), JSON.stringify(overrides)],
    );
  }

  async findCustomerVendor(customerId: string, vendor: string): Promise<CustomerVendor | undefined> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      `SELECT cv.customer_id, cv.vendor, cv.inputs, cv.overrides, cv.enabled, COALESCE(cv.clean_room, c.clean_room) AS clean_room
       FROM customer_vendors cv JOIN customers c ON c.id = cv.customer_id WHERE cv.customer_id = ? AND cv.vendor = ?`,
      [customerId, vendor],
    );
    const row = rows[0];
    if (!row) return undefined;
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
    const inputs = json(row.inputs);
    const overrides = json(row.overrides);
    // Rows written before the checks existed (or by hand) are checked as they are read.
    checkCustomerValues(customerId, vendor, inputs, overrides, this.valueOptions);
    return {
      customerId: row.customer_id,
      vendor: row.vendor,
      inputs,
      overrides,
      enabled: Boolean(row.enabled),
      cleanRoom: Boolean(row.clean_room),
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
