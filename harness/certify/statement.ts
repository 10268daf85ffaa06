/**
 * certification.json: what a bundle certifies. The suite that judged (its version, the SHA-256 of every
 * feature file and of the catalogue), the tools (this harness, Node, OpenSSL), the run and its verdict, and
 * the implementation under test as the profile declares it and as the run saw it on the wire.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCataloguePath } from '../catalogue';
import { projectRoot } from '../paths';
import type { Profile } from '../profile/profile';
import type { IutRole } from '../profile/sections/iut';
import { declaredIdentity, type DeclaredIdentity } from '../profile/sections/iut/declared';
import type { DeclarationFinding, RunReport } from '../report/model';
import type { TranscriptEntry } from '../../evidence/transcript';
import { sha256 } from './manifest';
import { HARNESS_VERSION } from '../version';

/** What the implementation under test showed of itself, as the harness's clients saw it. */
export interface ObservedIdentity {
  /** the first greeting its IMAP service sent */
  greeting?: string;
  /** each distinct server certificate it presented: `subject` issued by `issuer`, SHA-256 fingerprint */
  certificates?: string[];
  /** what it advertised, checked once against its declaration before the first scenario (harness/declaration) */
  declaration?: { observed: Array<{ what: string; value: string }>; findings: DeclarationFinding[]; note?: string };
  /** why there is nothing, when there is nothing */
  reason?: string;
}

export interface CertificationStatement {
  format: 'evvm-conformance certification statement, version 1';
  draft: boolean;
  /** why a non-draft certification would have been refused (a draft only) */
  refusal?: string[];
  suite: { version: string; features: Record<string, string>; catalogue: Record<string, string> };
  tools: { harness: string; node: string; openssl: string; platform: string };
  run: { id: string; startedAt: string; finishedAt: string; topology: string; tags?: string; verdict: string; summary: RunReport['summary'] };
  profile: { name: string; description?: string; file: string };
  iut: {
    declared: DeclaredIdentity | { reason: string };
    observed: ObservedIdentity;
  };
}

/** The actor name under which the harness's clients record the IUT (the role's name in the spec's words). */
const ROLE_ACTOR = { 'message-storage': 'Message Storage Server', 'evvm-server': 'EVVM Server', 'forwarding-gateway': 'Forwarding Gateway', 'non-oma-vm': 'Non-OMA VM Service', 'evvm-server-peer': 'Peer EVVM Server', 'evvm-server-interworking': 'EVVM Server' } as const;

/** Every file under a folder, as forward-slash paths relative to the project root, sorted. */
function filesUnder(root: string, dir: string, suffix: string): string[] {
  return (readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith(suffix))
    .map((f) => `${dir}/${f.split(path.sep).join('/')}`)
    .sort();
}

function digests(root: string, files: readonly string[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f, sha256(readFileSync(path.join(root, f)))]));
}

const SERVER_CERTIFICATE = /server certificate "([^"]*)" issued by "([^"]*)", sha256 ([0-9A-F:]+)/;

/** The server certificate a client of the IUT recorded: from the handshake's structured evidence, else from its line. */
function serverCertificate(e: TranscriptEntry): string | undefined {
  const c = e.tls?.side === 'client' ? e.tls.peerCertificate : undefined;
  if (c) return `"${c.subject}" issued by "${c.issuer}", SHA-256 ${c.sha256}`;
  const m = e.channel === 'tls' ? SERVER_CERTIFICATE.exec(e.text) : null;
  return m ? `"${m[1]}" issued by "${m[2]}", SHA-256 ${m[3]}` : undefined;
}

/**
 * What the IUT showed in the scenarios that reached it and in the run's declaration check: the greeting and
 * server certificates its peers recorded, and what it advertised against what it declared. Read from what
 * the run already has (scenarios that never reached the IUT are left out).
 */
export function observedIdentity(report: RunReport, role: IutRole | undefined): ObservedIdentity {
  if (!role) return { reason: 'the profile names no implementation under test: the suite judged its own simulators' };
  if (!(role in ROLE_ACTOR)) return { reason: `the ${role} under test shows no server identity (greeting, server certificate) to record` };
  const actor = ROLE_ACTOR[role as keyof typeof ROLE_ACTOR];
  const seen = new Set<string>();
  const check = report.run.declaration;
  const entries: TranscriptEntry[] = (check?.transcript ?? []).filter((e) => e.peer === actor && e.actor !== actor);
  for (const r of report.requirements) {
    for (const s of r.scenarios) {
      const key = `${s.uri}:${s.line}`;
      if (s.outcome === 'not-applicable' || seen.has(key)) continue;
      seen.add(key);
      entries.push(...s.transcript.filter((e) => e.peer === actor && e.actor !== actor));
    }
  }
  const greeting = entries.find((e) => e.channel === 'imap' && e.dir === 'recv' && /^\* (OK|PREAUTH|BYE)\b/.test(e.text))?.text;
  const certificates = [...new Set(entries.flatMap((e) => serverCertificate(e) ?? []))];
  const declaration = check ? { observed: check.observed, findings: check.findings, ...(check.note !== undefined ? { note: check.note } : {}) } : undefined;
  if (!greeting && certificates.length === 0) return { ...(declaration ? { declaration } : {}), reason: `no scenario of this run recorded what the ${actor} showed (no greeting, no server certificate)` };
  return { ...(greeting ? { greeting } : {}), ...(certificates.length ? { certificates } : {}), ...(declaration ? { declaration } : {}) };
}

export function certificationStatement(report: RunReport, profile: Profile, opts: { draft: boolean; refusal: string[] }): CertificationStatement {
  const root = projectRoot();
  const catalogue = path.relative(root, defaultCataloguePath()).split(path.sep).join('/');
  const iut = profile.iut;
  return {
    format: 'evvm-conformance certification statement, version 1',
    draft: opts.draft,
    ...(opts.draft && opts.refusal.length > 0 ? { refusal: opts.refusal } : {}),
    suite: { version: HARNESS_VERSION, features: digests(root, filesUnder(root, 'features', '.feature')), catalogue: digests(root, [catalogue]) },
    tools: { harness: `evvm-conformance ${HARNESS_VERSION}`, node: process.version, openssl: process.versions.openssl ?? 'unknown', platform: `${process.platform}-${process.arch}` },
    run: {
      id: report.run.id,
      startedAt: report.run.startedAt,
      finishedAt: report.run.finishedAt,
      topology: report.run.topology,
      ...(report.run.tags !== undefined ? { tags: report.run.tags } : {}),
      verdict: report.summary.verdict,
      summary: report.summary,
    },
    profile: { name: profile.name, ...(profile.description !== undefined ? { description: profile.description } : {}), file: 'profile.yaml' },
    iut: {
      declared: iut
        ? declaredIdentity(iut)
        : { reason: 'the profile names no implementation under test (no iut: section): the suite judged its own simulators' },
      observed: observedIdentity(report, iut?.role),
    },
  };
}
