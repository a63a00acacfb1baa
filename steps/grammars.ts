/**
 * The step kinds' grammars, in the order the published schema lists them under
 * `$defs.Step.oneOf`. Its own file (not steps/registry.ts) so that config-schema.ts can
 * compose the Step union without loading the kinds' planners and checks.
 */
import { SingleStep } from './single/grammar';
import { PaginatedStep } from './paginated/grammar';
import { DependentStep } from './dependent/grammar';
import { AsyncStep } from './async/grammar';
import { FilesStep } from './files/grammar';

export const stepGrammars = [SingleStep, PaginatedStep, DependentStep, AsyncStep, FilesStep] as const;
