/**
 * The EVVM Client with content security: it retrieves voicemail over IMAP (the EVVM Client of
 * simulators/evvm-client, imapflow), then opens each voicemail with the device's keys before playing
 * it. The served bytes go to the transcript (channel 'cms', base64), so the evidence holds the
 * voicemail exactly as the EVVM Server served it and anyone can re-check it with `openssl cms`.
 */
import { createHash } from 'node:crypto';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import type { ClientAccount, Retrieval, ServerTarget } from '../evvm-client';
import type { ContentPolicy, DecryptionKey, TrustStore } from '../../crypto/cms';
import { openVoicemail } from './open';
import { summarise, type ContentReport } from './report';

/** Evidence bound: a scenario's voicemail is a few kilobytes; a bigger one is recorded by digest only. */
export const EVIDENCE_MAX_BYTES = 256 * 1024;

export interface VoicemailRetriever {
  retrieveVoicemail(target: ServerTarget, account: ClientAccount): Promise<Retrieval>;
}

export interface ContentClientOptions {
  actor?: string;
  deviceKeys: readonly DecryptionKey[];
  trust: TrustStore;
  policy: ContentPolicy;
  /** the EVVM Server identity the client authenticated (its TLS server name) */
  evvmServerIdentity: string;
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
  /** try every recipient info with every key (the harness's "another key" probe) */
  trial?: boolean;
}

export interface OpenedRetrieval {
  retrieval: Retrieval;
  /** the voicemail chosen, exactly as served over IMAP */
  served?: Buffer;
  uid?: number;
  report?: ContentReport;
}

export class EvvmContentClient {
  readonly actor: string;
  private readonly transcript: TranscriptSink;

  constructor(
    private readonly retriever: VoicemailRetriever,
    private readonly options: ContentClientOptions,
  ) {
    this.actor = options.actor ?? 'EVVM Client';
    this.transcript = options.transcript ?? nullSink;
  }

  /** Retrieves the mailbox over IMAP and opens the voicemail `select` picks (the newest by default). */
  async retrieveAndOpen(target: ServerTarget, account: ClientAccount, select?: (raw: Buffer) => boolean): Promise<OpenedRetrieval> {
    const retrieval = await this.retriever.retrieveVoicemail(target, account);
    const chosen = select ? retrieval.voicemails.filter((v) => select(v.raw)).pop() : retrieval.voicemails[retrieval.voicemails.length - 1];
    if (!chosen) return { retrieval };
    return { retrieval, served: chosen.raw, uid: chosen.uid, report: this.open(chosen.raw, `${target.host}:${target.port}`, chosen.uid) };
  }

  /** Opens one served voicemail, recording it and the verdict. */
  open(raw: Buffer, peer?: string, uid?: number): ContentReport {
    this.recordServed(raw, peer, uid);
    const report = openVoicemail(raw, {
      deviceKeys: this.options.deviceKeys,
      trust: this.options.trust,
      policy: this.options.policy,
      evvmServerIdentity: this.options.evvmServerIdentity,
      ...(this.options.faults ? { faults: this.options.faults } : {}),
      ...(this.options.trial ? { trial: true } : {}),
    });
    this.transcript.record({ actor: this.actor, channel: 'cms', dir: 'event', text: summarise(report) });
    return report;
  }

  private recordServed(raw: Buffer, peer: string | undefined, uid: number | undefined): void {
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const head = `served voicemail${uid !== undefined ? ` UID ${uid}` : ''}, ${raw.length} bytes, sha256 ${sha256}`;
    const text = raw.length <= EVIDENCE_MAX_BYTES ? `${head}, base64: ${raw.toString('base64')}` : `${head} (over ${EVIDENCE_MAX_BYTES} bytes: not copied into the evidence)`;
    this.transcript.record({ actor: this.actor, ...(peer ? { peer } : {}), channel: 'cms', dir: 'recv', text });
  }
}
