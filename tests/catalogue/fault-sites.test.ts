/**
 * Every fault is marked where it acts: `// FAULT role:name (REQ-ID, …)` in the comment lines right above
 * (or at the end of) each line of simulator code that names it, with exactly the requirements the
 * catalogue pairs it with. So grepping a requirement ID finds its fault sites, and a fault the catalogue
 * names can never be left without a site in the simulators.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findProjectRoot, loadCatalogue } from '../../harness/catalogue/index';
import { FAULTS } from '../../simulators/faults';

const root = findProjectRoot(__dirname);
const simulators = path.join(root, 'simulators');
/** the registry names and describes every fault; it is no site */
const REGISTRY = path.join(simulators, 'faults.ts');

interface Source {
  file: string;
  text: string;
}

const MARK = /\/\/ FAULT ([a-z-]+:[a-z-]+) \(([A-Z0-9-]+(?:, [A-Z0-9-]+)*)\)(?::|$)/;
/** what looks like a mark: a FAULT in a line comment, or "Fault role:name" */
const MARK_LIKE = /\/\/.*\bFAULT\b|\/\/\s*Fault [a-z-]+:/;
const ROLES = [...new Set(Object.keys(FAULTS).map((f) => f.slice(0, f.indexOf(':'))))];
const NAMED = new RegExp(`'((?:${ROLES.join('|')}):[a-z-]+)'`, 'g');

function sources(dir: string): Source[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return e.name.endsWith('.ts') && file !== REGISTRY ? [{ file: path.relative(root, file), text: readFileSync(file, 'utf8') }] : [];
  });
}

/** The catalogue's pairs: fault → the requirements it violates. */
function cataloguePairs(): Map<string, Set<string>> {
  const pairs = new Map<string, Set<string>>();
  for (const r of loadCatalogue()) for (const f of r.faults) pairs.set(f, (pairs.get(f) ?? new Set()).add(r.id));
  return pairs;
}

/** What is wrong with the fault marks of these sources; empty when every fault is marked at every site. */
function faultSiteProblems(files: readonly Source[], pairs: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const problems: string[] = [];
  const marked = new Set<string>();
  for (const { file, text } of files) {
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      // a doc or block comment line holds neither a site nor a mark
      if (/^\s*(\/\*|\*)/.test(line)) return;
      const at = `${file}:${i + 1}`;
      const mark = MARK.exec(line);
      if (!mark) {
        if (MARK_LIKE.test(line)) problems.push(`${at}: not a mark of the form "// FAULT role:name (REQ-ID, …)": ${line.trim()}`);
      } else {
        const [, fault = '', ids = ''] = mark;
        marked.add(fault);
        const paired = pairs.get(fault);
        if (!paired) problems.push(`${at}: ${fault} is no fault of the catalogue`);
        else {
          const named = ids.split(', ');
          const want = [...paired].join(', ');
          for (const id of named) if (!paired.has(id)) problems.push(`${at}: the catalogue does not pair ${fault} with ${id} (it pairs it with ${want})`);
          for (const id of paired) if (!named.includes(id)) problems.push(`${at}: the mark of ${fault} lacks ${id} (the catalogue pairs it with ${want})`);
        }
      }
      const code = line.trimStart().startsWith('//') ? '' : line.replace(/\/\/.*$/, '');
      for (const [, fault = ''] of code.matchAll(NAMED)) if (!marksAbove(lines, i).has(fault)) problems.push(`${at}: ${fault} acts here unmarked (no "// FAULT ${fault} (…)" right above)`);
    });
  }
  for (const fault of pairs.keys()) if (!marked.has(fault)) problems.push(`${fault} has no marked site under simulators/`);
  return problems;
}

/** The faults marked on line i itself and in the comment lines directly above it. */
function marksAbove(lines: readonly string[], i: number): Set<string> {
  const faults = new Set<string>();
  const add = (line: string): void => {
    const m = MARK.exec(line);
    if (m?.[1]) faults.add(m[1]);
  };
  add(lines[i] ?? '');
  for (let k = i - 1; k >= 0 && (lines[k] ?? '').trimStart().startsWith('//'); k--) add(lines[k] ?? '');
  return faults;
}

test('every catalogue fault is marked at each of its sites in the simulators, with the requirements the catalogue pairs it with', () => {
  const pairs = cataloguePairs();
  assert.ok(pairs.size >= 90, `${pairs.size} faults in the catalogue`);
  const problems = faultSiteProblems(sources(simulators), pairs);
  assert.equal(problems.length, 0, problems.join('\n'));
});

test('the check fails on a missing, unpaired, incomplete, misspelt or absent mark', () => {
  const pairs = new Map([
    ['smsc:bind-without-password', new Set(['EVVM-SMS-C09'])],
    ['evvm-client:skip-server-cert-check', new Set(['EVVM-AUTH-03', 'EVVM-SMS-C01'])],
  ]);
  const site = (mark: string): Source => ({ file: 'x.ts', text: `${mark}\nif (faults.has('smsc:bind-without-password')) ok();\n// FAULT evvm-client:skip-server-cert-check (EVVM-AUTH-03, EVVM-SMS-C01)\nx = faults.has('evvm-client:skip-server-cert-check');` });
  assert.deepEqual(faultSiteProblems([site('// FAULT smsc:bind-without-password (EVVM-SMS-C09): any password binds')], pairs), []);
  const problems = (mark: string): string => faultSiteProblems([site(mark)], pairs).join('\n');
  assert.match(problems('// any password binds'), /x\.ts:2: smsc:bind-without-password acts here unmarked[^]*smsc:bind-without-password has no marked site/);
  assert.match(problems('// FAULT smsc:bind-without-password (EVVM-SMS-C09, STD-07)'), /does not pair smsc:bind-without-password with STD-07/);
  assert.match(problems('// FAULT smsc:bind-without-password (EVVM-SMS-C08)'), /does not pair smsc:bind-without-password with EVVM-SMS-C08[^]*lacks EVVM-SMS-C09/);
  assert.match(problems('// FAULT smsc:bind-without-pasword (EVVM-SMS-C09)'), /smsc:bind-without-pasword is no fault of the catalogue/);
  assert.match(problems('// FAULT bind-without-password: any password binds (EVVM-SMS-C09)'), /x\.ts:1: not a mark of the form/);
  assert.match(problems('// Fault smsc:bind-without-password (EVVM-SMS-C09)'), /x\.ts:1: not a mark of the form/);
  // a mark must sit right above its site, not anywhere before it
  const apart: Source = { file: 'y.ts', text: "// FAULT smsc:bind-without-password (EVVM-SMS-C09)\nconst a = 1;\nif (faults.has('smsc:bind-without-password')) ok();" };
  assert.match(faultSiteProblems([apart], new Map([['smsc:bind-without-password', new Set(['EVVM-SMS-C09'])]])).join('\n'), /y\.ts:3: smsc:bind-without-password acts here unmarked/);
});
