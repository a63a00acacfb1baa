/**
 * Two generic REST list styles that many vendors use. These are not one vendor's API; they are
 * the common offset/limit and page-number conventions, kept deliberately plain:
 *  - GET /api/v1/contacts?offset=O&limit=L  -> {"items":[...],"total":T,"offset":O,"limit":L}
 *  - GET /api/v2/orders?page=P&per_page=N   -> {"data":[...],"meta":{"current_page":P,"total_pages":K,"total":T,"per_page":N,"amount_total":"S"}}
 *    (amount_total: the sum of every order's amount, a report's summary row repeated on each page)
 * Optional auth: when `apiKey` is configured, header X-API-Key must match (401 otherwise).
 * And a deleted-records feed for the contacts, in the shape of Salesforce's sObject Get Deleted
 * (REST API v29.0+, `GET /services/data/vXX.X/sobjects/<sObject>/deleted/?start=…&end=…`, its
 * documented example response): `{"deletedRecords":[{"id","deletedDate"}],"earliestDateAvailable",
 * "latestDateCovered"}`. Unlike Salesforce's 18-character ids, these contacts' ids are numbers.
 */
import { type Ctx, type Reply, type RouteDef, cents, hash32, intParam, json } from './core';

export interface ListConfig {
  records: number;
  defaultPageSize: number;
  maxPageSize: number;
  apiKey?: string;
  /** Orders: added to the `amount_total` the answer reports, to play a vendor whose total disagrees with its rows. */
  totalOffset?: number;
  /** Contacts: the ids the deleted-records feed reports, each deleted at `deletedDate` (ISO). */
  deleted?: Array<{ id: number; deletedDate: string }>;
}

export const CONTACTS_DEFAULTS: ListConfig = { records: 120, defaultPageSize: 50, maxPageSize: 200 };
export const ORDERS_DEFAULTS: ListConfig = { records: 75, defaultPageSize: 20, maxPageSize: 100 };

export interface Contact {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  created_at: string;
}

export interface Order {
  id: number;
  order_number: string;
  amount: string;
  currency: string;
  status: string;
  created_at: string;
}

/** Contact at position `index` (0-based). */
export function contactRecord(index: number): Contact {
  const n = index + 1;
  return {
    id: 10_000 + n,
    first_name: `First${n}`,
    last_name: `Last${n}`,
    email: `contact${n}@example.com`,
    created_at: new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString(),
  };
}

/** Order at position `index` (0-based). */
export function orderRecord(index: number): Order {
  const n = index + 1;
  const h = hash32(`order|${n}`);
  return {
    id: 50_000 + n,
    order_number: `ORD-${String(n).padStart(6, '0')}`,
    amount: cents(500 + (h % 50_000)),
    currency: 'EUR',
    status: ['paid', 'shipped', 'refunded'][h % 3],
    created_at: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString(),
  };
}

export function expectedContacts(records = CONTACTS_DEFAULTS.records): Contact[] {
  return Array.from({ length: records }, (_, i) => contactRecord(i));
}

export function expectedOrders(records = ORDERS_DEFAULTS.records): Order[] {
  return Array.from({ length: records }, (_, i) => orderRecord(i));
}

export class GenericMock {
  contacts: ListConfig = { ...CONTACTS_DEFAULTS };
  orders: ListConfig = { ...ORDERS_DEFAULTS };

  routes(): RouteDef[] {
    return [
      { name: 'generic.contacts', method: 'GET', pattern: /^\/api\/v1\/contacts$/, handle: (ctx) => this.listContacts(ctx) },
      { name: 'generic.orders', method: 'GET', pattern: /^\/api\/v2\/orders$/, handle: (ctx) => this.listOrders(ctx) },
      { name: 'generic.contactsDeleted', method: 'GET', pattern: /^\/services\/data\/v\d+\.\d\/sobjects\/Contact\/deleted\/?$/, handle: (ctx) => this.deletedContacts(ctx) },
    ];
  }

  private unauthorized(ctx: Ctx, config: ListConfig): Reply | undefined {
    if (config.apiKey && ctx.req.headers['x-api-key'] !== config.apiKey) return json(401, { error: 'unauthorized', message: 'invalid or missing X-API-Key' });
    return undefined;
  }

  private listContacts(ctx: Ctx): Reply {
    const denied = this.unauthorized(ctx, this.contacts);
    if (denied) return denied;
    const q = ctx.url.searchParams;
    const offset = intParam(q.get('offset'), 0);
    const limitRaw = intParam(q.get('limit'), this.contacts.defaultPageSize);
    if (!(offset >= 0) || !(limitRaw > 0)) return json(400, { error: 'bad_request', message: 'offset must be >= 0 and limit > 0' });
    const limit = Math.min(limitRaw, this.contacts.maxPageSize);
    const total = this.contacts.records;
    const items: Contact[] = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) items.push(contactRecord(i));
    return json(200, { items, total, offset, limit });
  }

  /** The contacts deleted in [start, end]; both are required, as Salesforce requires them. */
  private deletedContacts(ctx: Ctx): Reply {
    const start = Date.parse(ctx.url.searchParams.get('start') ?? '');
    const end = Date.parse(ctx.url.searchParams.get('end') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end)) return json(400, [{ errorCode: 'MALFORMED_QUERY', message: 'start and end must be dateTimes' }]);
    const at = (d: { deletedDate: string }) => Date.parse(d.deletedDate.replace(/\+0000$/, 'Z')); // Salesforce writes +0000
    const deletedRecords = (this.contacts.deleted ?? []).filter((d) => at(d) >= start && at(d) <= end);
    const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
    return json(200, { deletedRecords, earliestDateAvailable: iso(Date.UTC(2023, 0, 1)), latestDateCovered: iso(end) });
  }

  private listOrders(ctx: Ctx): Reply {
    const denied = this.unauthorized(ctx, this.orders);
    if (denied) return denied;
    const q = ctx.url.searchParams;
    const page = intParam(q.get('page'), 1);
    const perPageRaw = intParam(q.get('per_page'), this.orders.defaultPageSize);
    if (!(page > 0) || !(perPageRaw > 0)) return json(400, { error: 'bad_request', message: 'page and per_page must be positive integers' });
    const perPage = Math.min(perPageRaw, this.orders.maxPageSize);
    const total = this.orders.records;
    const data: Order[] = [];
    for (let i = (page - 1) * perPage; i < Math.min(total, page * perPage); i++) data.push(orderRecord(i));
    // The report's total over every order, on every page, as report APIs repeat a summary row.
    let cents = 0;
    for (let i = 0; i < total; i++) cents += Math.round(Number(orderRecord(i).amount) * 100);
    const amountTotal = ((cents + Math.round((this.orders.totalOffset ?? 0) * 100)) / 100).toFixed(2);
    return json(200, { data, meta: { current_page: page, total_pages: Math.ceil(total / perPage), total, per_page: perPage, amount_total: amountTotal } });
  }
}
