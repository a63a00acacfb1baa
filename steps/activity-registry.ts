/**
 * The step kinds' activities, one line per kind that has its own (single and paginated
 * share fetchPages with dependent). Activity names are part of recorded histories and of
 * clean-room workers: renaming one breaks replay. Every one runs in a clean room
 * (activities/index.ts cleanRoomActivityNames).
 */
import type { ActivityDeps } from '../activities/deps';
import { fetchPagesActivities } from './shared/fetch-pages';
import { dependentActivities } from './dependent/activities';
import { asyncJobActivities } from './async/activities';
import { filesActivities } from './files/activities';

export function stepActivities(deps: ActivityDeps) {
  return {
    ...fetchPagesActivities(deps),
    ...dependentActivities(deps),
    ...asyncJobActivities(deps),
    ...filesActivities(deps),
  };
}
