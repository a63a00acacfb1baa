/** A files step: its name pattern compiles, its subject (when not a template) is a regular expression. */
import type { ConfigProblem } from '../../core/validate';
import { nameMatcher } from '../../core/file-selection';
import type { StepCheckPlace } from '../kind';
import type { FilesStepConfig } from './grammar';

export function checkFiles(step: FilesStepConfig, { at }: StepCheckPlace, out: ConfigProblem[]): void {
  try {
    nameMatcher(step.match, `${at}.match`);
  } catch (e) {
    out.push({ path: `${at}.match`, message: (e as Error).message.replace(`${at}.match: `, 'not a valid regular expression: ') });
  }
  if (step.source.kind === 'imap') {
    if (step.source.subject && !step.source.subject.includes('${')) {
      try {
        new RegExp(step.source.subject);
      } catch (e) {
        out.push({ path: `${at}.source.subject`, message: `not a valid regular expression: ${(e as Error).message}` });
      }
    }
  }
  if (step.wait && step.expect !== 'wait') out.push({ path: `${at}.wait`, message: 'applies only with "expect": "wait"' });
  if (step.wait) {
    const looks = Math.ceil(step.wait.timeoutMinutes / step.wait.intervalMinutes);
    if (looks > MAX_FILE_LOOKS) {
      out.push({
        path: `${at}.wait`,
        message: `looks ${looks} times (every ${step.wait.intervalMinutes} min for ${step.wait.timeoutMinutes} min); at most ${MAX_FILE_LOOKS}: look less often`,
      });
    }
  }
}

/**
 * Looks for late files happen in the ingest run, each about 25 history events (permit,
 * look, permit back, timer, workflow tasks): 300 keep a run near 7,500 events, under
 * Temporal's 51,200 limit and DIF's own 10,000 budget per run, whatever the config says.
 * Real schedules need far fewer (every 15 minutes for 6 hours is 24).
 */
export const MAX_FILE_LOOKS = 300;
