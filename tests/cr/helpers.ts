/** Shared by the cr tests: fixture paths, the real catalogue, and a fixed scenario index. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ScenarioRef } from '../../harness/catalogue/features';
import { findProjectRoot, loadCatalogue } from '../../harness/catalogue/index';
import { statementContext } from '../../harness/cr/analyze';

export const root = findProjectRoot(__dirname);
export const fixture = (name: string): string => path.join(root, 'tests', 'cr', 'fixtures', name);
export const read = (name: string): string => readFileSync(fixture(name), 'utf8');

export const SEED_SEC = '000_f109c382ee08737c.txt';
export const SEED_SEC_MD = '000_f109c382ee08737c.md';
export const SEED_CPM = '001_28b6a536679c30ff.txt';

export const catalogue = loadCatalogue();

function ref(id: string, line: number, polarity: 'positive' | 'negative', name: string): ScenarioRef {
  const uri = `features/fake/${id.toLowerCase()}.feature`;
  return { uri, line, scenarioLine: line, name, feature: id, tags: [`@${id}`, `@${polarity}`], requirementIds: [id], polarity };
}

/**
 * A fixed feature index (the real features/ folder grows while the project works): EVVM-AUTH-01..04 are
 * covered, nothing else. An outline with two Examples rows counts as one scenario.
 */
export const SCENARIOS: ScenarioRef[] = [
  ref('EVVM-AUTH-01', 5, 'positive', 'The user logs in by any identifier'),
  ref('EVVM-AUTH-01', 9, 'negative', 'An unknown identifier is refused'),
  ref('EVVM-AUTH-02', 5, 'positive', 'One login covers every identifier'),
  ref('EVVM-AUTH-02', 9, 'negative', 'Another mailbox stays closed'),
  ref('EVVM-AUTH-03', 5, 'positive', 'The client authenticates the server'),
  { ...ref('EVVM-AUTH-03', 9, 'negative', 'A rogue server gets no credential (untrusted CA)'), line: 12 },
  { ...ref('EVVM-AUTH-03', 9, 'negative', 'A rogue server gets no credential (expired)'), line: 13 },
  ref('EVVM-AUTH-04', 5, 'positive', 'The server authenticates the client'),
  ref('EVVM-AUTH-04', 9, 'negative', 'A wrong password is refused'),
];

export const ctx = statementContext(catalogue, SCENARIOS);
