/**
 * Deployment practice on the EVVM Client (PRAC-02, PRAC-03): the contract of what the steps of
 * features/practice ask of the client beyond plain retrieval. Both run beside the EVVM Client (in process
 * embedded, in the evvm-client container otherwise): the hostile IMAP server's corpus, whose thousand
 * sessions would not survive a round trip each through the control API, and a retrieval under the
 * operator's capability blacklist. PRAC-01 and PRAC-04 need no role of their own: the SMS roles serve them.
 */
import { z } from 'zod';
import { EvvmClient, type ClientAccount, type Retrieval } from '../../simulators/evvm-client/evvm-client';
import { InconclusiveError } from '../engine/outcomes';
import { runHostileCorpus, type HostileCorpusRun } from '../equipment/hostile-imap-corpus';
import type { Transport } from '../topology/roles';
import { defineRole, side } from './contract';

declare module './contract' {
  interface RoleMap {
    practice: PracticeRole;
  }
}

export type { HostileCorpusRun };

export interface PracticeRole {
  /** the EVVM Client against `count` cases of the hostile IMAP server's corpus of `seed` */
  hostileCorpus(seed: number, count: number): Promise<HostileCorpusRun>;
  /** the EVVM Client retrieves from the EVVM Server configured with the operator's capability blacklist */
  retrieveWithBlacklist(transport: Transport, account: ClientAccount, disabledCapabilities: readonly string[]): Promise<Retrieval>;
}

/** A simulator's own record, passed on whole: it is checked for the fields that say what it is. */
const record = <T>(...fields: string[]) => z.custom<T>((v) => typeof v === 'object' && v !== null && fields.every((f) => f in v));

const PRACTICE_SIDES = {
  hostileCorpus: side(
    'evvm-client',
    'POST /practice/hostile-imap',
    z.object({ seed: z.number().int().nonnegative(), count: z.number().int().positive().max(10_000) }),
    record<HostileCorpusRun>('seed', 'outcomes'),
    (request, where) => runHostileCorpus({ pki: where.pki, faults: where.faults, transcript: where.transcript, ...request }),
  ),
  retrieve: side(
    'evvm-client',
    'POST /practice/retrieve',
    z.object({
      target: z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string(), transport: z.enum(['implicit-tls', 'starttls']) }),
      account: z.object({ username: z.string(), password: z.string() }),
      disabledCapabilities: z.array(z.string().max(64)).max(16),
    }),
    record<Retrieval>('loggedIn', 'voicemails'),
    async (request, where) => {
      const cert = where.pki.leaf('evvm-client');
      const client = new EvvmClient({
        trustAnchorPem: where.pki.trustAnchorPem,
        certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem },
        faults: where.faults.filter((f) => f.startsWith('evvm-client:')),
        transcript: where.transcript,
        disabledCapabilities: request.disabledCapabilities,
      });
      return client.retrieveVoicemail(request.target, request.account);
    },
    // the EVVM Server's endpoint as the harness sees it, translated for the evvm-client container
    (request, onNetwork) => ({ ...request, target: onNetwork(request.target) }),
  ),
};

defineRole('practice', async (ctx, call) => ({
  hostileCorpus: (seed, count) => call(PRACTICE_SIDES.hostileCorpus, { seed, count }),
  retrieveWithBlacklist: async (transport, account, disabledCapabilities) => {
    const endpoint = (await ctx.topology.role('evvm-server')).endpoint(transport);
    if (!endpoint) throw new InconclusiveError(`the EVVM Server offers no ${transport} endpoint`);
    return call(PRACTICE_SIDES.retrieve, { target: { ...endpoint, transport }, account, disabledCapabilities: [...disabledCapabilities] });
  },
}));
