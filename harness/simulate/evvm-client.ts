import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EvvmClient } from '../../simulators/evvm-client/evvm-client';
import { parseBody } from './body';
import { registerSimulatedRole } from './registry';

const SyncBody = z.object({
  host: z.string(),
  port: z.number().int().positive(),
  servername: z.string(),
  transport: z.enum(['implicit-tls', 'starttls']),
  username: z.string(),
  password: z.string(),
  /** files a harness hands the client under test (its {trustAnchor}, {clientCert}, {clientKey}); default: this process's PKI */
  trustAnchor: z.string().optional(),
  clientCert: z.string().optional(),
  clientKey: z.string().optional(),
});

/** The JSON body of POST /sync, in a profile's trigger command: the harness fills the placeholders per scenario. */
const TRIGGER_BODY = JSON.stringify({
  host: '{host}', port: '{port}', servername: '{servername}', transport: '{transport}', username: '{username}', password: '{password}',
  trustAnchor: '{trustAnchor}', clientCert: '{clientCert}', clientKey: '{clientKey}',
}).replace('"{port}"', '{port}');

registerSimulatedRole('evvm-client', async (ctx) => {
  const cert = ctx.pki.leaf('evvm-client');
  const own = { trustAnchorPem: ctx.pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem } };
  const faults = ctx.faults.filter((f) => f.startsWith('evvm-client:'));
  return {
    endpoints: {},
    routes: {
      // what a vendor's client does when triggered, ours does too: its normal use of the box (retrieval, voicemails marked heard, greeting kept on)
      'POST /sync': async (b) => {
        const r = parseBody(SyncBody, b);
        // a harness that has this client under test hands it its trust anchor and certificate as files
        const given = r.trustAnchor !== undefined && r.clientCert !== undefined && r.clientKey !== undefined
          ? { trustAnchorPem: await readFile(r.trustAnchor, 'utf8'), certificate: { chainPem: await readFile(r.clientCert, 'utf8'), keyPem: await readFile(r.clientKey, 'utf8') } }
          : own;
        const client = new EvvmClient({ ...given, faults });
        const result = await client.syncVoicemailBox({ host: r.host, port: r.port, servername: r.servername, transport: r.transport }, { username: r.username, password: r.password });
        return { ...result, voicemails: result.voicemails.map((v) => ({ uid: v.uid, raw: v.raw.toString('base64') })) };
      },
    },
    // our own client as the IUT: the harness triggers it through this control API, with curl
    iutProfile: (control) => ({
      iut: {
        role: 'evvm-client',
        implementation: `evvm-conformance simulate evvm-client${faults.length ? ` with ${faults.join(', ')}` : ''}`,
        trigger: { command: ['curl', '-sS', '--fail', '--max-time', '15', '-H', 'content-type: application/json', '--data-binary', TRIGGER_BODY, `${control}/sync`] },
      },
      env: {},
    }),
    stop: async () => undefined,
  };
});
