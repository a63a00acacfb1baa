/**
 * Auth kinds (OAuth2 refresh with rotation and expiry, login sessions, Basic) and
 * asynchronous report jobs (Amazon Ads reporting v3 shape): done, failed, never finishing,
 * and cancelled, against VendorZoo on the real Temporal server.
 */
import { ingestWorkflowId } from '../../core/run-plan';
import { semaphoreKey } from '../../adapters/locks/semaphores';
import { expectedAmazonRows, expectedBasicStats, expectedOAuthReports, expectedSessionData } from '../mock-vendor/vendor-zoo';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';
import { failureChain, waitUntil } from '../setup/failures';

let h: ZooHarness;
beforeAll(async () => {
  h = await startZooHarness('auth-async');
});
afterAll(() => h?.shutdown());

const count = async (table: string, customer: string) =>
  Number((await h.runtime.postgres.query(`SELECT count(*) AS n FROM dif_test.${table} WHERE _dif_customer = $1`, [customer])).rows[0].n);

const amazonInputs = { client_id: 'amzn-client', profile_id: '3141592653' };
const amazonSecrets = { access_token: 'amazon-token' };

describe('auth', () => {
  test('OAuth2 refresh token: an expired access token is renewed on its 401, a rotated refresh token is stored back encrypted', async () => {
    h.zoo.configure({ oauth: { rotateRefreshTokens: true, accessMaxUses: 2 } });
    const secrets = { client_id: 'zoo-client', client_secret: 'zoo-secret', refresh_token: 'rt-initial' };
    const customer = await h.customerFor('zoo-oauth', {}, secrets);
    const grantsBefore = h.zoo.auth.tokenGrants.refresh_token ?? 0;

    const first = await h.ingest('zoo-oauth', customer);
    expect(first.status).toBe('COMPLETED');
    expect(await count('zoo_oauth_reports', customer)).toBe(expectedOAuthReports().length);
    // 3 pages with 2 uses per token: a 401 forced at least one renewal.
    expect((h.zoo.auth.tokenGrants.refresh_token ?? 0) - grantsBefore).toBeGreaterThanOrEqual(2);
    const stored = await h.runtime.deps.credentials.reveal({ customerId: customer, vendor: 'zoo-oauth', name: 'refresh_token' });
    expect(stored).not.toBe('rt-initial'); // rotated, and the old one is now refused by the vendor
    expect(h.zoo.auth.refreshTokens.has(stored)).toBe(true);

    // A second run works only because the rotated refresh token was kept.
    h.zoo.auth.expireAccessTokens();
    const second = await h.ingest('zoo-oauth', customer, { from: '2024-01-04', to: '2024-01-04' });
    expect(second.status).toBe('COMPLETED');
    expect(h.storedText()).not.toContain(stored);
  });

  test('OAuth2 client credentials (client authenticated with Basic): one grant serves every page', async () => {
    h.zoo.configure({ oauth: { accessMaxUses: Infinity, rotateRefreshTokens: false } });
    const customer = await h.customerFor('zoo-oauth-cc', {}, { client_id: 'zoo-client', client_secret: 'zoo-secret' });
    const grants = h.zoo.auth.tokenGrants.client_credentials ?? 0;
    const outcome = await h.ingest('zoo-oauth-cc', customer);
    expect(outcome.status).toBe('COMPLETED');
    expect(await count('zoo_oauth_cc_reports', customer)).toBe(expectedOAuthReports().length);
    expect((h.zoo.auth.tokenGrants.client_credentials ?? 0) - grants).toBe(1);
    expect(h.zoo.requestsFor('oauth.token').at(-1)!.headers.authorization).toMatch(/^Basic /);
  });

  test('a header built from a credential', async () => {
    h.zoo.configure({ contacts: { apiKey: 'contacts-key-123' } });
    const customer = await h.customerFor('zoo-contacts-header', {}, { api_key: 'contacts-key-123' });
    const outcome = await h.ingest('zoo-contacts-header', customer);
    expect(outcome.status).toBe('COMPLETED');
    expect(h.zoo.requestsFor('generic.contacts').at(-1)!.headers['x-api-key']).toBe('contacts-key-123');
    h.zoo.configure({ contacts: { apiKey: undefined } });
  });

  test('login session: one login, the token in a header on every page', async () => {
    const customer = await h.customerFor('zoo-session', {}, { username: 'zoo-user', password: 'zoo-pass' });
    const logins = h.zoo.requestsFor('session.login').length;
    const outcome = await h.ingest('zoo-session', customer);
    expect(outcome.status).toBe('COMPLETED');
    expect(await count('zoo_session_data', customer)).toBe(expectedSessionData().length);
    expect(h.zoo.requestsFor('session.login').length - logins).toBe(1);
    expect(h.zoo.requestsFor('session.data').at(-1)!.headers['x-session-token']).toMatch(/^sess-/);
  });

  test('wrong Basic credentials fail at once with the vendor message and no secret; right ones load', async () => {
    const wrong = await h.customerFor('zoo-basic', {}, { username: 'basic-user', password: 'not-the-password' });
    const failed = await h.ingest('zoo-basic', wrong);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/GET \/basic\/api\/stats answered 401/);
    expect(failed.error).not.toContain('not-the-password');

    const right = await h.customerFor('zoo-basic', {}, { username: 'basic-user', password: 'basic-pass' });
    expect((await h.ingest('zoo-basic', right)).status).toBe('COMPLETED');
    expect(await count('zoo_basic_stats', right)).toBe(expectedBasicStats().length);
  });
});

describe('asynchronous report jobs', () => {
  test('submit, poll until COMPLETED, download the gzip JSON, load; one job only', async () => {
    h.zoo.configure({ amazon: { pollsBeforeComplete: 2, neverFinish: false, failNextJobs: 0 } });
    const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
    const window = { from: '2024-03-01', to: '2024-03-04' };
    const outcome = await h.ingest('zoo-amazon', customer, window);
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.recordsFetched).toBe(expectedAmazonRows(window.from, window.to).length);
    expect(await count('zoo_amazon_sp_campaigns', customer)).toBe(expectedAmazonRows(window.from, window.to).length);
    expect(h.zoo.amazon.submitCount(`dif ${window.from}..${window.to}`, window.from, window.to)).toBe(1);
    const submit = h.zoo.requestsFor('amazon.createReport').at(-1)!;
    expect(submit.headers['amazon-advertising-api-scope']).toBe('3141592653');
    // The polls run in a child workflow (workflows/job-polls.ts), whose history shows them as
    // activities separated by timers: no worker waited.
    const history = await h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
    const child = history.events!.find((e) => e.childWorkflowExecutionStartedEventAttributes)!.childWorkflowExecutionStartedEventAttributes!.workflowExecution!;
    const polls = await h.client.workflow.getHandle(child.workflowId!, child.runId!).fetchHistory();
    const timers = (polls.events ?? []).filter((e) => e.timerStartedEventAttributes).length;
    expect(timers).toBeGreaterThanOrEqual(2);
  });

  test('a job the vendor fails ends the run with the vendor’s reason', async () => {
    h.zoo.configure({ amazon: { failNextJobs: 1, neverFinish: false } });
    const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
    const outcome = await h.ingest('zoo-amazon', customer, { from: '2024-03-05', to: '2024-03-05' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(/vendor job .* of step "report" failed with status FAILED: Report generation failed/);
  });

  test('a job that never finishes times out, and the vendor job is cancelled', async () => {
    h.zoo.configure({ amazon: { neverFinish: true, failNextJobs: 0 } });
    const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
    const deletes = h.zoo.requestsFor('amazon.deleteReport').length;
    const outcome = await h.ingest('zoo-amazon', customer, { from: '2024-03-06', to: '2024-03-06' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(/not done after 0.05 min/);
    expect(h.zoo.requestsFor('amazon.deleteReport').length - deletes).toBe(1);
  });

  test('cancelling the run cancels the vendor job and releases the permit', async () => {
    h.zoo.configure({ amazon: { neverFinish: true } });
    const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
    const window = { from: '2024-03-07', to: '2024-03-07' };
    const deletes = h.zoo.requestsFor('amazon.deleteReport').length;
    const polls = h.zoo.requestsFor('amazon.getReport').length;
    const handle = await h.client.workflow.start('ingest', {
      taskQueue: h.settings.taskQueue,
      workflowId: ingestWorkflowId({ vendor: 'zoo-amazon', customer, stream: 'sp_campaigns', window }),
      args: [{ vendor: 'zoo-amazon', customer, stream: 'sp_campaigns', window, options: { semaphoreRetryMs: 100 } }],
    });
    await waitUntil('two polls of the report', () => h.zoo.requestsFor('amazon.getReport').length - polls >= 2);
    await handle.cancel();
    // Cancelled, not failed for another reason: the run ends as cancelled.
    expect((await failureChain(handle.result())).slice(0, 2)).toEqual([
      { name: 'WorkflowFailedError', message: 'Workflow execution cancelled' },
      { name: 'CancelledFailure', message: expect.any(String) },
    ]);
    expect(h.zoo.requestsFor('amazon.deleteReport').length - deletes).toBe(1);
    expect(await h.runtime.deps.semaphores.holders(semaphoreKey('zoo-amazon', 'customer', customer))).toEqual([]);
    h.zoo.configure({ amazon: { neverFinish: false } });
  });
});
