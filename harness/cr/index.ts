/** Change-request analysis for spec authors: `cr analyze` and `cr diff` (docs/spec-authors.md). */
export { analyzeCr, buildStatements, droppedRequirements, statementContext } from './analyze';
export type { AnalyzeOptions, StatementContext } from './analyze';
export { diffCr, diffExit, looksLikeCatalogue, readSide, withRun } from './diff';
export type { DiffInput, DiffOptions, SuiteRunner } from './diff';
export { analyzeCommand, diffCommand, readInput } from './command';
export type { CommonOptions, CrEnvironment, DiffCommandOptions } from './command';
export { parseCr, detectFormat, clauseLabel } from './document';
export type { CrDocument, CrFormat } from './document';
export { CatalogueMatcher, DEFAULT_THRESHOLD } from './match';
export { lint, OBSOLETE_REFERENCES } from './lint';
export { ScenarioIndex, tagExpression } from './coverage';
export type { ScenarioSummary } from './coverage';
export {
  ANALYZE_FAIL_ON,
  CrInputError,
  DEFAULT_ANALYZE_FAIL_ON,
  DEFAULT_DIFF_FAIL_ON,
  DIFF_FAIL_ON,
  parseFailOn,
} from './failon';
export type { AnalyzeFailOn, DiffFailOn } from './failon';
export { renderAnalysis, renderDiff, OUTPUT_FORMATS } from './render';
export type { OutputFormat } from './render';
export type * from './model';
