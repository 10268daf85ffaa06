import { z } from 'zod';
import { EvvmClient } from '../../simulators/evvm-client/evvm-client';
import { parseBody } from './body';
import { registerSimulatedRole } from './registry';

const RetrieveBody = z.object({
  host: z.string(),
  port: z.number().int().positive(),
  servername: z.string(),
  transport: z.enum(['implicit-tls', 'starttls']),
  username: z.string(),
  password: z.string(),
});

registerSimulatedRole('evvm-client', async (ctx) => {
  const cert = ctx.pki.leaf('evvm-client');
  const client = new EvvmClient({ trustAnchorPem: ctx.pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem }, faults: ctx.faults.filter((f) => f.startsWith('evvm-client:')) });
  return {
    endpoints: {},
    routes: {
      'POST /retrieve': async (b) => {
        const r = parseBody(RetrieveBody, b);
        const result = await client.retrieveVoicemail({ host: r.host, port: r.port, servername: r.servername, transport: r.transport }, { username: r.username, password: r.password });
        return { ...result, voicemails: result.voicemails.map((v) => ({ uid: v.uid, raw: v.raw.toString('base64') })) };
      },
    },
    stop: async () => undefined,
  };
});
