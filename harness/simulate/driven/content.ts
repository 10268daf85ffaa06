/**
 * Security of voicemail contents (EVVM-CONT-01..04), container side: the EVVM Server's content
 * protection (and the attacker with write access to its message store) in the evvm-server container,
 * around the scenario's EVVM Server; the EVVM Client that retrieves over real IMAP and opens with a
 * device key in the evvm-client container. The logic is the embedded one (harness/topology/embedded/
 * content.ts); the harness (harness/topology/containers/content.ts) sends the steps' state with each request.
 */
import { z } from 'zod';
import { ALGORITHM_SUITES, ENCRYPTION_MODES, PART_KINDS } from '../../../simulators/crypto/cms';
import { STORE_ATTACKS } from '../../../simulators/evvm-server/content';
import { EvvmClient } from '../../../simulators/evvm-client/evvm-client';
import { contentSmime, protectAndStore, retrieveAndOpen, type ContentDeposit, type ContentRetrievalRequest } from '../../topology/embedded/content';
import { parseBody } from '../body';
import { drivenEvvmServer } from './core';
import { registerDrivenRoutes, type Scope } from './host';

const nonEmpty = <T extends string>(values: readonly T[]): [T, ...T[]] => values as [T, ...T[]];

const Policy = z.object({
  encryption: z.enum(nonEmpty(ENCRYPTION_MODES)),
  parts: z.array(z.enum(nonEmpty(PART_KINDS))),
  algorithms: z.array(z.enum(nonEmpty(ALGORITHM_SUITES))),
  signatureRequired: z.boolean(),
  nonRepudiation: z.boolean(),
});

const Bytes = z.instanceof(Buffer);

const Deposit = z.object({
  mailbox: z.string(),
  identifier: z.string(),
  messageId: z.string(),
  deposited: Bytes,
  left: Bytes,
  serverPolicy: Policy,
  deviceKeys: z.record(z.string(), z.enum(['rsa', 'ec'])),
  attack: z.enum(nonEmpty(STORE_ATTACKS)).optional(),
}) satisfies z.ZodType<ContentDeposit>;

const Retrieve = z.object({
  target: z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string(), transport: z.enum(['implicit-tls', 'starttls']) }),
  account: z.object({ username: z.string(), password: z.string() }),
  messageId: z.string(),
  deviceLeaf: z.string(),
  policy: Policy,
  actor: z.string(),
  trial: z.boolean(),
}) satisfies z.ZodType<ContentRetrievalRequest>;

/** The S/MIME PKI the harness handed over at setup (its keys registered as secrets once per scenario). */
const smimeOf = (scope: Scope) => scope.once('content-smime', () => contentSmime(scope.run.pki));

registerDrivenRoutes('evvm-server', (scope) => ({
  // A caller's voicemail reaches the EVVM Server: protected per policy, attacked on the store if the scenario says so, stored.
  'POST /content/deposit': async (b) => {
    const deposit = parseBody(Deposit, b);
    const s = scope();
    const { server } = await drivenEvvmServer(s);
    return protectAndStore({ server, smime: await smimeOf(s), accounts: s.run.accounts, faults: s.faults, transcript: s.transcript, deposit });
  },
}));

registerDrivenRoutes('evvm-client', (scope) => ({
  // The EVVM Client of a mailbox fetches over IMAP from the EVVM Server's container and opens with the device key.
  'POST /content/retrieve': async (b) => {
    const request = parseBody(Retrieve, b);
    const s = scope();
    const cert = s.run.pki.leaf('evvm-client');
    const retriever = new EvvmClient({ trustAnchorPem: s.run.pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem }, faults: s.faultsOf('evvm-client'), transcript: s.transcript });
    return retrieveAndOpen({ retriever, smime: await smimeOf(s), faults: s.faults, transcript: s.transcript, request });
  },
}));
