/**
 * Once per `jest` run: the test databases migrated and the workflow code bundled, so each
 * test file starts its worker in well under a second. Services are started by `npm test`'s
 * pretest step (scripts/prepare.sh); here they are only checked, with the fix named.
 */
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { migrateMysql } from '../../adapters/mysql/migrate';
import { ensurePostgresDatabase } from '../../adapters/warehouse/postgres';
import { requireServices } from '../../adapters/health';
import { projectRoot } from '../../adapters/settings';
import { writeWorkflowBundle } from '../../workers/bundle-workflows';
import { TEST_MYSQL_URL, TEST_POSTGRES_URL, WORKFLOW_BUNDLE, testSettings } from './test-settings';

export default async function globalSetup(): Promise<void> {
  await requireServices(testSettings('setup'));
  await migrateMysql(TEST_MYSQL_URL, path.join(projectRoot(), 'migrations', 'mysql'));
  await ensurePostgresDatabase(TEST_POSTGRES_URL);
  await writeWorkflowBundle(WORKFLOW_BUNDLE);
  // Tests that kill a real worker process run the compiled worker (dist/workers/main.js).
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(projectRoot(), 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}
