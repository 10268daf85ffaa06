/**
 * How the EVVM Server's SMS interface under test (its ESME) binds: the harness's SMSC listens on SMPP and on
 * SMPP over TLS, the ESME is made to bind by its trigger, and the bind the SMSC took shows whether it came
 * over TLS. Compared with the profile's `policy.sms.smppTls` (EVVM-SMS-C09: the EVVM Server binds over TLS).
 * An ESME that never binds leaves the declaration not compared, with the reason.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Activity } from '../../../simulators/protocol/smpp/activity';
import { Smsc } from '../../../simulators/smsc';
import { runAccounts, runPki } from '../../engine/run-context';
import type { EvvmServerSmsIut } from '../../profile/sections/iut';
import type { Advertised } from '../../report/model';
import * as contract from '../../roles/sms';
import { trigger, triggerValues } from '../../topology/external/evvm-server-sms';
import { capabilityName } from '../capabilities';
import { registerDeclarationObserver, type ObserverContext, type WireObservation } from '../observer';

const REQUIREMENTS = ['EVVM-SMS-C09'];

async function observeEvvmServerSms(ctx: ObserverContext<EvvmServerSmsIut>): Promise<WireObservation> {
  const { iut, profile, transcript } = ctx;
  const pki = await runPki();
  const credentials = { ...contract.smsCredentials(runAccounts(), transcript), evvmServer: iut.bind };
  const smsc = new Smsc({ ...contract.smscOptions({ pki, accounts: contract.smscAccounts(credentials, profile.policy.sms), faults: [], transcript, activity: new Activity() }), ports: iut.listen });
  // what the trigger started (the ESME it ran) is stopped before the SMSC
  const stops: Array<() => Promise<void>> = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-declaration-sms-'));
  try {
    const ports = await smsc.start();
    const trustAnchor = path.join(dir, 'trust-anchor.pem');
    await writeFile(trustAnchor, pki.trustAnchorPem);
    const values = triggerValues(iut, { ports, trustAnchor, shortCode: profile.policy.sms.shortCode }, 'bind');
    const bound = () => smsc.observations().binds.find((b) => b.systemId === iut.bind.systemId && b.status === 'ESME_ROK');
    const { how } = await trigger({ iut, transcript, onStop: (stop) => void stops.push(stop) }, values, () => bound() !== undefined, `bind as ${iut.bind.systemId} (the declaration check, before the first scenario)`);
    const bind = bound();
    const field = 'policy.sms.smppTls';
    const base = { capability: capabilityName.smppTls, field, declared: profile.policy.sms.smppTls, requirements: REQUIREMENTS };
    if (!bind) {
      const seen = `the EVVM Server under test did not bind to the harness's SMSC as ${iut.bind.systemId} (${how})`;
      const advertised: Advertised[] = [{ ...base, seen }];
      return { observed: [{ what: "the EVVM Server's bind", value: 'none' }], capabilities: advertised, note: `${seen}: how it binds was not compared` };
    }
    const seen = `it bound as ${iut.bind.systemId} ${bind.secure ? `over TLS (port ${ports.smpps})` : `in plaintext (port ${ports.smpp}), the SMSC offering TLS on ${ports.smpps}`}`;
    return { observed: [{ what: "the EVVM Server's bind to the harness's SMSC", value: seen }], capabilities: [{ ...base, offered: bind.secure, seen }] };
  } finally {
    for (const stop of stops.reverse()) await stop();
    await smsc.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

registerDeclarationObserver('evvm-server-sms', observeEvvmServerSms);
