/**
 * The feature index: which scenarios cover which requirement, and with which polarity.
 *
 * Scenario Outlines are expanded into one ScenarioRef per Examples row, exactly as cucumber expands
 * them into pickles: `line` is the row's line (what cucumber reports for that test case), `scenarioLine`
 * the line of the `Scenario Outline:` keyword. A plain Scenario has line === scenarioLine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as messages from '@cucumber/messages';
import type { Polarity } from '../report/model';
import type { Requirement } from './types';
import { findProjectRoot, REQUIREMENT_ID_PATTERN } from './index';
import { derived, libraryIdentity } from './derived';

export interface ScenarioRef {
  /** feature file relative to the scanned root, with '/' separators (cucumber's uri) */
  uri: string;
  /** line of the scenario, or of the Examples row for an outline */
  line: number;
  /** line of the Scenario / Scenario Outline keyword */
  scenarioLine: number;
  /** the scenario name, with outline parameters substituted */
  name: string;
  /** the feature name */
  feature: string;
  /** scenario + feature + rule + examples tags, with '@' */
  tags: string[];
  /** tags matching the requirement-ID pattern, without '@' (known to the catalogue or not) */
  requirementIds: string[];
  /** from @positive / @negative; undefined when neither or both are present */
  polarity: Polarity | undefined;
}

export interface RequirementCoverage {
  id: string;
  positive: ScenarioRef[];
  negative: ScenarioRef[];
}

export interface Coverage {
  /** one entry per catalogue requirement, in catalogue order */
  requirements: RequirementCoverage[];
  /** requirements without any scenario (not a problem) */
  untested: string[];
  /** one line each; the suite is consistent when this is empty */
  problems: string[];
}

/** A tag that is probably meant as a requirement ID (any case, any separator), to catch typos. */
const LOOKS_LIKE_ID = /^(evvm|cpm|vvm|std|prac)[-_]/i;

function listFeatureFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFeatureFiles(p));
    else if (e.isFile() && e.name.endsWith('.feature')) out.push(p);
  }
  return out;
}

/** AST node id -> source line, for scenarios and Examples rows. */
function indexLines(doc: messages.GherkinDocument): Map<string, number> {
  const lines = new Map<string, number>();
  const addScenario = (s: messages.Scenario): void => {
    lines.set(s.id, s.location.line);
    for (const ex of s.examples) for (const row of ex.tableBody) lines.set(row.id, row.location.line);
  };
  for (const child of doc.feature?.children ?? []) {
    if (child.scenario) addScenario(child.scenario);
    for (const rc of child.rule?.children ?? []) if (rc.scenario) addScenario(rc.scenario);
  }
  return lines;
}

/** Parses one feature file into scenario refs; `uri` is how it is named in refs and errors. */
export function parseFeature(source: string, uri: string): ScenarioRef[] {
  // loaded here: a scan whose files did not change reads what they were parsed into (derived.ts)
  const { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } = require('@cucumber/gherkin') as typeof import('@cucumber/gherkin');
  const { IdGenerator } = require('@cucumber/messages') as typeof import('@cucumber/messages');
  const newId = IdGenerator.incrementing();
  let doc: messages.GherkinDocument;
  try {
    doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(source);
  } catch (e) {
    // CompositeParserException lists every error; the first one, with its line, is enough to fix the file.
    const first = ((e as { errors?: Error[] }).errors?.[0] ?? e) as Error;
    throw new Error(`${uri}: Gherkin parse error: ${first.message.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (!doc.feature) return [];
  const lines = indexLines(doc);
  const feature = doc.feature.name;
  return compile(doc, uri, newId).map((pickle) => {
    const scenarioId = pickle.astNodeIds[0] ?? '';
    const rowId = pickle.astNodeIds[pickle.astNodeIds.length - 1] ?? scenarioId;
    const tags = [...new Set(pickle.tags.map((t) => t.name))];
    const bare = tags.map((t) => t.replace(/^@/, ''));
    const pos = bare.includes('positive');
    const neg = bare.includes('negative');
    return {
      uri,
      line: lines.get(rowId) ?? 0,
      scenarioLine: lines.get(scenarioId) ?? 0,
      name: pickle.name,
      feature,
      tags,
      requirementIds: bare.filter((t) => REQUIREMENT_ID_PATTERN.test(t)),
      polarity: pos === neg ? undefined : pos ? 'positive' : 'negative',
    };
  });
}

/**
 * Every scenario of ROOT/features/**\/*.feature, files in sorted path order, scenarios in file order.
 * A missing features/ folder gives []. A Gherkin syntax error throws one line naming the file.
 */
export function scanFeatures(root: string = findProjectRoot()): ScenarioRef[] {
  const files = listFeatureFiles(path.join(root, 'features')).map((file) => ({ uri: path.relative(root, file).split(path.sep).join('/'), text: readFileSync(file, 'utf8') }));
  return derived('features', [__filename, require.resolve('./index')], [libraryIdentity('@cucumber/gherkin'), ...files.flatMap((f) => [f.uri, f.text])], () => files.flatMap((f) => parseFeature(f.text, f.uri)));
}

/** Scenarios per requirement, and what is inconsistent between the feature files and the catalogue. */
export function coverage(catalogue: readonly Requirement[], refs: readonly ScenarioRef[]): Coverage {
  const known = new Set(catalogue.map((r) => r.id));
  const problems: string[] = [];

  // (a) tags that look like requirement IDs but name none: reported once per file and tag.
  const unknownTags = new Map<string, { ref: ScenarioRef; count: number }>();
  for (const ref of refs) {
    for (const tag of ref.tags) {
      const bare = tag.replace(/^@/, '');
      if (!LOOKS_LIKE_ID.test(bare) || known.has(bare)) continue;
      const key = `${ref.uri}\u0000${tag}`;
      const hit = unknownTags.get(key);
      if (hit) hit.count++;
      else unknownTags.set(key, { ref, count: 1 });
    }
  }
  for (const [key, { ref, count }] of unknownTags) {
    const tag = key.split('\u0000')[1];
    const why = REQUIREMENT_ID_PATTERN.test(tag?.replace(/^@/, '') ?? '')
      ? 'names no requirement in the catalogue'
      : 'looks like a requirement ID but does not match the ID pattern (e.g. @EVVM-AUTH-01)';
    problems.push(`${ref.uri}:${ref.scenarioLine}: tag ${tag} ${why} (${count} scenario${count === 1 ? '' : 's'})`);
  }

  // (b) requirement-tagged scenarios without exactly one polarity: once per scenario (not per outline row).
  const seen = new Set<string>();
  for (const ref of refs) {
    if (ref.requirementIds.length === 0 || ref.polarity !== undefined) continue;
    const key = `${ref.uri}:${ref.scenarioLine}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const both = ref.tags.includes('@positive') && ref.tags.includes('@negative');
    problems.push(
      `${key}: scenario "${ref.name}" (${ref.requirementIds.map((i) => '@' + i).join(' ')}) ` +
        (both ? 'carries both @positive and @negative' : 'has neither @positive nor @negative'),
    );
  }

  // (c) covered requirements lacking one polarity.
  const requirements: RequirementCoverage[] = [];
  const untested: string[] = [];
  for (const req of catalogue) {
    const mine = refs.filter((r) => r.requirementIds.includes(req.id));
    const positive = mine.filter((r) => r.polarity === 'positive');
    const negative = mine.filter((r) => r.polarity === 'negative');
    requirements.push({ id: req.id, positive, negative });
    if (mine.length === 0) {
      untested.push(req.id);
      continue;
    }
    const first = mine[0] as ScenarioRef;
    if (positive.length === 0) problems.push(`${req.id}: covered (e.g. ${first.uri}:${first.scenarioLine}) but no @positive scenario`);
    if (negative.length === 0) problems.push(`${req.id}: covered (e.g. ${first.uri}:${first.scenarioLine}) but no @negative scenario`);
  }

  return { requirements, untested, problems };
}
