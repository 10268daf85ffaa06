import { loadSources } from '@cucumber/cucumber/api';
import { scanFeatures } from '../catalogue/features';
import { projectRoot } from '../paths';
import { nearest } from '../suggest';

export const FEATURE_PATHS = ['features/**/*.feature'];

/** A tag expression that selects no scenario: a typo must not turn a pipeline green. */
export class NothingSelectedError extends Error {
  override readonly name = 'NothingSelectedError';
}

/**
 * The expression with every tag that no scenario carries replaced by the nearest one that exists: the
 * same name with '@' (cucumber matches `EVVM-AUTH-03` literally, never the tag `@EVVM-AUTH-03`), or a
 * tag at most two edits away. Undefined when there is nothing to suggest.
 */
function suggestion(expression: string, known: ReadonlySet<string>): string | undefined {
  let changed = false;
  const fixed = expression.replace(/[^\s()]+/g, (word) => {
    if (known.has(word) || ['and', 'or', 'not'].includes(word)) return word;
    const tag = word.startsWith('@') ? word : `@${word}`;
    const best = known.has(tag) ? tag : nearest(tag, known, 2, 1)[0];
    if (!best) return word;
    changed = true;
    return best;
  });
  return changed ? fixed : undefined;
}

/**
 * How many scenarios a tag expression selects, decided before any simulator starts, by cucumber's own
 * filter. Selecting nothing (or an expression cucumber cannot parse) is a NothingSelectedError naming the
 * expression. Scenarios the profile makes not applicable still count: they are selected, and the report
 * says why they did not run.
 */
export async function checkSelection(tags: string): Promise<number> {
  let planned: number;
  try {
    const { plan, errors } = await loadSources({ defaultDialect: 'en', paths: FEATURE_PATHS, names: [], tagExpression: tags, order: 'defined' }, { cwd: projectRoot() });
    if (errors.length > 0) throw new Error(errors[0]!.message);
    planned = plan.length;
  } catch (err) {
    // cucumber wraps the parser's message ("... syntax error: Unmatched (.") in its own
    const why = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    throw new NothingSelectedError(`--tags '${tags}' is not a tag expression: ${why.split('\n')[0]}`);
  }
  if (planned > 0) return planned;
  const known = new Set(scanFeatures(projectRoot()).flatMap((s) => s.tags));
  const better = suggestion(tags, known);
  throw new NothingSelectedError(`no scenario matches --tags '${tags}'${better ? ` (did you mean '${better}'?)` : ''}`);
}
