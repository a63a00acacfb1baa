/**
 * vendors/hubspot's contacts search as the fixture server answers it, for tests that run the
 * real hubspot config for something else (clean rooms): the first search reaches the
 * 10,000-result cap (contacts 102, 101), the one started over from 101's lastmodifieddate
 * gives 101 and 103. Rows: 101, 102, 103.
 */
import type { FixtureRoute } from '../mock-vendor/fixture-server';

export const HUBSPOT_CONTACTS_SEARCH = '/crm/v3/objects/contacts/search';
const ANCHOR = String(Date.parse('2024-03-01T09:00:00.000Z'));
const anchored = (r: { json?: unknown }) => (r.json as { filterGroups?: { filters: { value: string }[] }[] } | undefined)?.filterGroups?.[0]?.filters[0]?.value === ANCHOR;

export function hubspotContactsSearchRoutes(): FixtureRoute[] {
  return [
    { method: 'POST', path: HUBSPOT_CONTACTS_SEARCH, when: (r) => !anchored(r), file: 'contacts-search-page-1.json' },
    { method: 'POST', path: HUBSPOT_CONTACTS_SEARCH, when: anchored, file: 'contacts-search-anchored.json' },
  ];
}
