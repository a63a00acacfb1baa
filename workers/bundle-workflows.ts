/**
 * Bundles the workflow code once (npm run build), so workers and tests start without
 * re-running webpack: a worker given `workflowBundle` starts in well under a second.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../adapters/settings';

export async function writeWorkflowBundle(target = path.join(projectRoot(), 'dist', 'workflow-bundle.js')): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(projectRoot(), 'workflows', 'index.ts'),
    logger: { info: () => undefined, warn: console.warn, error: console.error, debug: () => undefined, trace: () => undefined, log: () => undefined },
  });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, code);
  return target;
}

if (require.main === module) {
  writeWorkflowBundle().then(
    (file) => console.log(`workflow bundle: ${file}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
