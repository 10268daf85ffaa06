/**
 * writeReports: all three reports at once, with the last line of defence against leaked secrets.
 *
 * Transcripts are scrubbed when recorded (harness/evidence/transcript.ts); this is for whatever else
 * carries a secret (a step error quoting a password, a check's evidence object). Three fences:
 *   1. the report data is scrubbed before rendering, so escaping and truncation never see a secret
 *      (an escaped or cut secret would slip past a scrub of the output);
 *   2. every rendered file but the JSON ones is scrubbed again, in raw, JSON-escaped and XML/HTML-escaped
 *      form (the HTML's packed details before they are compressed); a JSON file is rendered from the
 *      scrubbed data, and its numbers are not secrets (a six-digit PIN occurs in timestamps by chance);
 *   3. every file written is read back and searched (a JSON file's strings and keys, the HTML's packed
 *      details unpacked); a secret found there is a harness bug: throw.
 * A secret that is a common word ('pass', 'table') also gets scrubbed out of the page's own markup:
 * the report then looks damaged, which is the right failure for a secret that weak.
 */
import { readFile } from 'node:fs/promises';
import { SecretMatcher } from '../../evidence/redact';
import type { RunReport } from './model';
import { escapeAttr, escapeText } from './escape';
import { EvidencePlan, plainCopy } from './format';
import { CONFORMANCE_HTML, renderHtml, unpackDetails } from './html';
import { renderJsonFiles } from './json';
import { JUNIT_XML, renderJunit } from './junit';
import { writeOutputFiles, type OutputFile } from './output';

/** Same floor as Transcript.secret(): scrubbing one or two characters would shred every line. */
const MIN_SECRET = 3;

const isJson = (file: string): boolean => file.endsWith('.json');

/** Every form in which a secret could appear in a written file. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(escapeText(s));
    forms.add(escapeAttr(s));
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET);
}

/**
 * Writes DIR/conformance.json, DIR/evidence/*.json, DIR/junit.xml and DIR/conformance.html, with every
 * string in `secrets` replaced by «redacted». Returns the absolute paths written. Throws when a secret
 * is still found in a written file afterwards (that is a harness bug, and the run must not look clean).
 */
export async function writeReports(report: RunReport, dir: string, secrets: readonly string[]): Promise<string[]> {
  const matcher = new SecretMatcher(secretForms(secrets));
  const scrub = (text: string): string => matcher.redact(text);
  const clean = plainCopy(report, scrub) as RunReport;
  const plan = new EvidencePlan(clean);
  const files: OutputFile[] = [
    ...renderJsonFiles(clean),
    { path: JUNIT_XML, content: renderJunit(clean, plan) },
    { path: CONFORMANCE_HTML, content: renderHtml(clean, plan, scrub) },
    // a JSON file is rendered from the scrubbed data: scrubbing its text again would only hit numbers (see redactJson)
  ].map((f) => ({ path: f.path, content: isJson(f.path) ? f.content : scrub(f.content) }));

  const written = await writeOutputFiles(dir, files);

  if (matcher.size > 0) {
    for (let i = 0; i < written.length; i++) {
      const full = written[i] as string;
      const rel = (files[i] as OutputFile).path;
      const content = await readFile(full, 'utf8');
      const packed = rel === CONFORMANCE_HTML ? Object.values(unpackDetails(content)).join('\n') : '';
      if (matcher.occursIn(rel) || (isJson(rel) ? matcher.occursInJson(content) : matcher.occursIn(content)) || matcher.occursIn(packed)) {
        // name the file, never the secret
        throw new Error(`writeReports: a secret survived scrubbing in ${rel} (harness bug; do not publish ${dir})`);
      }
    }
  }
  return written;
}
