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
}
