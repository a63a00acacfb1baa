/** A files step's plan: the workflow needs only its name; the activity says when to look again. */
import type { FilesStepConfig } from './grammar';

export interface FilesPlan {
  name: string;
  kind: 'files';
}

export const planFiles = (step: FilesStepConfig): FilesPlan => ({ name: step.name, kind: step.kind });
