import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Smsc, msisdnAddress, shortCodeAddress, type SmscAccountSpec } from '../../simulators/smsc';
import { isKnownFault } from '../../simulators/faults';
import { ControlError } from '../control/control-server';
import { parseBody } from './body';
import { SMSC_NAME, TEST_ESME_NUMBER } from '../roles/sms';
import { registerSimulatedRole } from './registry';

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });

/**
 * `simulate smsc`: the SMSC on its own (SMPP over TCP and TLS). Its accounts are printed in the ready
 * line: the EVVM Server's bind (short code of the profile), two demo ESMEs that can message each other,
 * and a handset per demo mailbox. Passwords are random per process (SMPP allows 8 characters).
 */
registerSimulatedRole('smsc', async (ctx) => {
  const policy = ctx.profile.policy.sms;
  const password = (): string => randomBytes(6).toString('base64url');
  const handsets = ctx.accounts.map((a) => ({ role: `handset of ${a.name}`, name: a.name, systemId: `ms${msisdnAddress(a.identifiers.MSISDN).addr}`.slice(0, 15), password: password(), kind: 'handset' as const, addresses: [msisdnAddress(a.identifiers.MSISDN)] }));
  const accounts: Array<SmscAccountSpec & { role: string }> = [
    { role: 'evvm-server', systemId: 'evvm-server', password: password(), kind: 'esme', addresses: [shortCodeAddress(policy.shortCode)] },
    { role: 'demo-esme', systemId: 'demo-esme-a', password: password(), kind: 'esme', addresses: [msisdnAddress('+15550100')] },
    { role: 'demo-esme', systemId: 'demo-esme-b', password: password(), kind: 'esme', addresses: [msisdnAddress('+15550101')] },
    // PRAC-04: a 15-octet system_id and an 8-octet password, the longest SMPP allows
    { role: 'test-esme', systemId: 'test-esme-limit', password: password(), kind: 'esme', addresses: [msisdnAddress(TEST_ESME_NUMBER)] },
    ...handsets.map(({ name: _name, ...a }) => a),
  ];
  const leaf = ctx.pki.leaf('smsc');
  const smsc = new Smsc({
    host: ctx.host,
    listen: { plain: true, tls: { key: leaf.keyPem, cert: leaf.chainPem } },
    accounts: accounts.map(({ role: _role, ...spec }) => spec),
    faults: ctx.faults.filter((f) => f.startsWith('smsc:')),
  });
  const ports = await smsc.start();
  return {
    endpoints: { smpp: `${ctx.host}:${ports.smpp}`, smpps: `${ctx.host}:${ports.smpps}` },
    routes: {
      'GET /observations': () => smsc.observations(),
      'POST /faults': (b) => {
        const { fault, on } = parseBody(FaultBody, b);
        if (!isKnownFault(fault) || !fault.startsWith('smsc:')) throw new ControlError(`unknown SMSC fault "${fault}"`);
        smsc.setFault(fault, on);
      },
    },
    // the SMSC's certificate names smsc.op.example, localhost and 127.0.0.1
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem') },
    accounts: accounts.map((a) => ({ role: a.role, systemId: a.systemId, password: a.password, addresses: a.addresses.map((x) => x.addr) })),
    // this SMSC as the IUT: every ESME of the harness binds with an account printed above, its password by environment variable
    iutProfile: () => {
      const env: Record<string, string> = {};
      const account = (a: SmscAccountSpec & { role: string }) => {
        const name = `SMSC_${a.systemId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`;
        env[name] = a.password;
        return { systemId: a.systemId, passwordEnv: name };
      };
      const by = (role: string) => accounts.find((a) => a.role === role)!;
      return {
        policy: { sms: { shortCode: policy.shortCode } },
        iut: {
          role: 'smsc',
          implementation: `evvm-conformance simulate smsc${ctx.faults.length ? ` with ${ctx.faults.join(', ')}` : ''}`,
          host: ctx.host,
          servername: SMSC_NAME,
          ports: { smpp: ports.smpp, smpps: ports.smpps },
          trustAnchor: path.join(ctx.pkiDir, 'ca.pem'),
          accounts: {
            evvmServer: account(by('evvm-server')),
            spoofer: account(accounts.find((a) => a.systemId === 'demo-esme-a')!),
            testEsme: account(by('test-esme')),
            handsets: handsets.map((h) => ({ name: h.name, msisdn: `+${h.addresses[0]!.addr}`, ...account(h) })),
          },
          declares: { tlsRequired: false, bindFieldLimits: true },
        },
        env,
      };
    },
    stop: () => smsc.stop(),
  };
});
