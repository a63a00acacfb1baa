/**
 * A plain campaigns API whose data misbehaves the way real listings do while they are paged
 * (issue 21): GET /mis/v1/campaigns?page_token=T answers {"data":[...],"next":URL|null},
 * GET /mis/v1/campaigns/{id}/stats?since=D&until=D answers {"data":[{date, clicks}]}.
 *  - staleCopies: a record that moved while the listing was paged is seen twice: fresh at the
 *    end of one page, and again, an older copy (earlier updated_at), opening the next one.
 *  - emptyLastPageLinksOn: after the last page comes an empty page that still links to
 *    another (some vendors never say they are done).
 * Transport misbehaviour (429s, resets, slow bodies, BOMs, HTML in a 200) is the zoo's
 * faults (core.ts), scripted per route. TEST CODE ONLY.
 */
import { type Ctx, type Reply, type RouteDef, datesBetween, decodeCursor, encodeCursor, hash32, isIsoDate, json } from './core';

export interface CampaignsConfig {
  campaigns: number;
  pageSize: number;
  staleCopies: boolean;
  emptyLastPageLinksOn: boolean;
}

export const CAMPAIGNS_DEFAULTS: CampaignsConfig = { campaigns: 10, pageSize: 4, staleCopies: false, emptyLastPageLinksOn: false };

export interface Campaign {
  id: number;
  name: string;
  updated_at: string;
}

const FRESH = '2024-03-02T12:00:00Z';
const STALE = '2024-03-01T12:00:00Z';

/** The campaign at `index` (0-based), as it is now. */
export function campaignRecord(index: number): Campaign {
  return { id: 7_000 + index + 1, name: `Campaign ${index + 1}`, updated_at: FRESH };
}

/** Clicks of a campaign on a day: deterministic. */
export function campaignClicks(id: number, date: string): number {
  return hash32(`${id}|${date}`) % 1_000;
}

export function expectedCampaigns(config: Partial<CampaignsConfig> = {}): Campaign[] {
  const { campaigns } = { ...CAMPAIGNS_DEFAULTS, ...config };
  return Array.from({ length: campaigns }, (_, i) => campaignRecord(i));
}

export class CampaignsMock {
  config: CampaignsConfig = { ...CAMPAIGNS_DEFAULTS };

  routes(): RouteDef[] {
    return [
      { name: 'campaigns.list', method: 'GET', pattern: /^\/mis\/v1\/campaigns$/, handle: (ctx) => this.list(ctx) },
      { name: 'campaigns.stats', method: 'GET', pattern: /^\/mis\/v1\/campaigns\/(\d+)\/stats$/, handle: (ctx, m) => this.stats(ctx, Number(m[1])) },
    ];
  }

  /** Pages of the listing, the trailing empty one not counted. */
  get pages(): number {
    return Math.ceil(this.config.campaigns / this.config.pageSize);
  }

  private list(ctx: Ctx): Reply {
    const token = ctx.url.searchParams.get('page_token');
    const page = token ? Number(decodeCursor(token)) : 1;
    if (!Number.isInteger(page) || page < 1) return json(400, { error: { message: `page_token ${token} is not one this API gave` } });
    const { campaigns, pageSize, staleCopies, emptyLastPageLinksOn } = this.config;
    const data: Campaign[] = [];
    if (staleCopies && page > 1 && page <= this.pages) {
      const moved = campaignRecord((page - 1) * pageSize - 1);
      data.push({ ...moved, name: `${moved.name} (stale)`, updated_at: STALE });
    }
    for (let i = (page - 1) * pageSize; i < Math.min(campaigns, page * pageSize); i++) data.push(campaignRecord(i));
    const linksOn = page < this.pages || emptyLastPageLinksOn;
    const next = linksOn ? `${ctx.baseUrl}/mis/v1/campaigns?page_token=${encodeURIComponent(encodeCursor(String(page + 1)))}` : null;
    return json(200, { data, next });
  }

  private stats(ctx: Ctx, id: number): Reply {
    const index = id - 7_001;
    if (index < 0 || index >= this.config.campaigns) return json(404, { error: { message: `campaign ${id} not found` } });
    const since = ctx.url.searchParams.get('since');
    const until = ctx.url.searchParams.get('until');
    if (!isIsoDate(since) || !isIsoDate(until)) return json(400, { error: { message: 'since and until (YYYY-MM-DD) are required' } });
    return json(200, { data: datesBetween(since, until).map((date) => ({ date, clicks: campaignClicks(id, date) })) });
  }
}
