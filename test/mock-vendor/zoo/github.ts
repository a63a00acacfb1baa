/**
 * GitHub REST API, list repository issues, with Link-header pagination.
 *
 * Shapes follow "Using pagination in the REST API" (GitHub Docs),
 * https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api :
 *  - the body is a JSON array; per_page and page query parameters (default 30, max 100);
 *  - the `link` header lists URLs with rel="prev", rel="next", rel="last", rel="first";
 *    prev/first are left out on the first page, next/last on the last page, and the header is
 *    omitted entirely when all results fit on one page.
 * Issue objects carry a subset of GitHub's fields (id, number, title, state, user.login, ...).
 * Auth is optional: when `token` is configured, `Authorization: Bearer <token>` (or `token <token>`)
 * is required, else 401 {"message":"Bad credentials","documentation_url":...} as GitHub answers.
 */
import { type Ctx, type Reply, type RouteDef, intParam, json } from './core';

export interface GithubConfig {
  records: number;
  defaultPerPage: number;
  maxPerPage: number;
  /** When set, requests must carry this token. */
  token?: string;
}

export const GITHUB_DEFAULTS: GithubConfig = { records: 95, defaultPerPage: 30, maxPerPage: 100 };

export interface GithubIssue {
  id: number;
  number: number;
  title: string;
  state: 'open' | 'closed';
  user: { login: string };
  created_at: string;
  updated_at: string;
  html_url: string;
}

/** Issue at position `index` (0-based) of the listing; newest first, as GitHub sorts by default. */
export function githubIssue(owner: string, repo: string, index: number, records = GITHUB_DEFAULTS.records): GithubIssue {
  const number = records - index;
  const created = new Date(Date.UTC(2024, 0, 1) + number * 3_600_000).toISOString().replace('.000Z', 'Z');
  return {
    id: 2_000_000_000 + number,
    number,
    title: `Issue ${number} of ${owner}/${repo}`,
    state: number % 3 === 0 ? 'closed' : 'open',
    user: { login: `user${number % 7}` },
    created_at: created,
    updated_at: created,
    html_url: `https://github.com/${owner}/${repo}/issues/${number}`,
  };
}

export function expectedGithubIssues(owner: string, repo: string, records = GITHUB_DEFAULTS.records): GithubIssue[] {
  return Array.from({ length: records }, (_, i) => githubIssue(owner, repo, i, records));
}

export class GithubMock {
  config: GithubConfig = { ...GITHUB_DEFAULTS };

  routes(): RouteDef[] {
    return [{ name: 'github.issues', method: 'GET', pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, handle: (ctx, m) => this.issues(ctx, m[1], m[2]) }];
  }

  private issues(ctx: Ctx, owner: string, repo: string): Reply {
    if (this.config.token) {
      const auth = ctx.req.headers.authorization ?? '';
      const m = /^(?:Bearer|token)\s+(.+)$/i.exec(auth);
      if (!m || m[1].trim() !== this.config.token) {
        return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      }
    }
    const q = ctx.url.searchParams;
    const perPageRaw = intParam(q.get('per_page'), this.config.defaultPerPage);
    const page = intParam(q.get('page'), 1);
    if (!(perPageRaw > 0) || !(page > 0)) return json(422, { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest' });
    const perPage = Math.min(perPageRaw, this.config.maxPerPage);
    const total = this.config.records;
    const lastPage = Math.max(1, Math.ceil(total / perPage));
    const body: GithubIssue[] = [];
    for (let i = (page - 1) * perPage; i < Math.min(total, page * perPage); i++) body.push(githubIssue(owner, repo, i, total));

    const headers: Record<string, string> = { 'x-github-api-version-selected': '2022-11-28' };
    if (lastPage > 1) {
      const url = (p: number): string => {
        const u = new URL(ctx.url.pathname, ctx.baseUrl);
        for (const [k, v] of q) u.searchParams.set(k, v);
        u.searchParams.set('per_page', String(perPage));
        u.searchParams.set('page', String(p));
        return u.toString();
      };
      const links: string[] = [];
      if (page > 1) links.push(`<${url(Math.min(page - 1, lastPage))}>; rel="prev"`);
      if (page < lastPage) links.push(`<${url(page + 1)}>; rel="next"`, `<${url(lastPage)}>; rel="last"`);
      if (page > 1) links.push(`<${url(1)}>; rel="first"`);
      if (links.length > 0) headers.link = links.join(', ');
    }
    return json(200, body, headers);
  }
}
