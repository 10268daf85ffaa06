/**
 * `iut.role: smsc`: a vendor's SMSC (IF-9 and the handsets' side of IF-3/IF-4). The harness's ESMEs bind
 * to it with the accounts it provisioned for them: the EVVM Server on the operator's short code, a
 * bulk-SMS customer (the SMS spoofer), the test ESME (PRAC-04: a system_id and a password as long as SMPP
 * allows) and the handsets of the test subscribers on their MSISDNs (the routing it serves). What it
 * declares decides which practices apply; every bind is judged on the wire, by the SMSC's answers.
 */
import { z } from 'zod';
import { IutProblem, Port, secretPair, TimeoutMs, type IutReader } from './common';

/** The MSISDN of each test subscriber's handset (harness/topology/accounts.ts): what the SMSC must route to its account. */
export const SUBSCRIBER_MSISDNS: Readonly<Record<'alice' | 'bob' | 'carol', string>> = { alice: '+15550001', bob: '+15550002', carol: '+15550003' };

const Account = z
  .object({ systemId: z.string().min(1), ...secretPair('password') })
  .strict()
  .refine((a) => (a.password === undefined) !== (a.passwordEnv === undefined), { error: 'give password or passwordEnv, exactly one' });

const HandsetAccount = z
  .object({
    name: z.enum(['alice', 'bob', 'carol']),
    /** E.164: the number the SMSC routes to this account, which must be the subscriber's (SUBSCRIBER_MSISDNS) */
    msisdn: z.string().regex(/^\+[0-9]{3,15}$/, { error: 'must be +digits (E.164)' }),
    systemId: z.string().min(1),
    ...secretPair('password'),
  })
  .strict()
  .refine((a) => (a.password === undefined) !== (a.passwordEnv === undefined), { error: 'give password or passwordEnv, exactly one' });

export const SmscIutSchema = z
  .object({
    role: z.literal('smsc'),
    /** what is under test, as the report names it: product and version */
    implementation: z.string().min(1).optional(),
    host: z.string().min(1),
    /** the name the SMSC's certificate must carry (default: host) */
    servername: z.string().min(1).optional(),
    /** smpp: SMPP over TCP; smpps: SMPP over TLS */
    ports: z
      .object({ smpp: Port.optional(), smpps: Port.optional() })
      .strict()
      .refine((p) => p.smpp !== undefined || p.smpps !== undefined, { error: 'needs smpp (TCP) or smpps (TLS)' }),
    /** PEM file with the CA certificate(s) the SMSC's certificate chains to (required with smpps) */
    trustAnchor: z.string().min(1).optional(),
    /** the SMSC accounts the harness's ESMEs bind with */
    accounts: z
      .object({
        /** bound to the operator's short code (policy.sms.shortCode): the EVVM Server's notifications come from it */
        evvmServer: Account,
        /** an ordinary customer account on a number of its own: the SMS spoofer */
        spoofer: Account.optional(),
        /** PRAC-04: a 15-octet system_id and an 8-octet password, the longest SMPP allows */
        testEsme: Account.optional(),
        /** the test subscribers' handsets, each on its MSISDN */
        handsets: z.array(HandsetAccount).default([]),
      })
      .strict(),
    declares: z
      .object({
        /** binds only over TLS: the EVVM Server binds on smpps, and so do the harness's other ESMEs when there is no smpp port */
        tlsRequired: z.boolean().default(false),
        /** a submit_sm claiming a source address that is not the bound account's is refused (EVVM-SMS-C01) */
        sourceAddressEnforcement: z.boolean().default(true),
        /** PRAC-04: system_id and password held to their SMPP field sizes */
        bindFieldLimits: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** how long a delivery may take to reach a handset after the SMSC accepted it, in ms */
    deliveryMs: z.number().int().min(100).max(30_000).default(1500),
    timeoutMs: TimeoutMs,
  })
  .strict();

export type SmscIutSection = z.infer<typeof SmscIutSchema>;

export interface SmppAccount {
  systemId: string;
  password: string;
}

/** The SMSC section with every file read and every secret resolved. */
export interface SmscIut {
  role: 'smsc';
  implementation?: string;
  host: string;
  servername: string;
  ports: { smpp?: number; smpps?: number };
  trustAnchorPem?: string;
  accounts: { evvmServer: SmppAccount; spoofer?: SmppAccount; testEsme?: SmppAccount; handsets: Map<string, SmppAccount & { msisdn: string }> };
  declares: SmscIutSection['declares'];
  deliveryMs: number;
  timeoutMs: number;
}

export function resolveSmsc(s: SmscIutSection, read: IutReader): SmscIut {
  if (s.ports.smpps !== undefined && s.trustAnchor === undefined) throw new IutProblem('iut.trustAnchor: required with ports.smpps (the CA the SMSC\'s certificate chains to)');
  if (s.declares.tlsRequired && s.ports.smpps === undefined) throw new IutProblem('iut.ports.smpps: required, the SMSC declares tlsRequired');
  const account = (field: string, a: z.infer<typeof Account>): SmppAccount => ({ systemId: a.systemId, password: read.secret(`accounts.${field}.password`, a.password, a.passwordEnv)! });
  const handsets = new Map<string, SmppAccount & { msisdn: string }>();
  s.accounts.handsets.forEach((h, i) => {
    const at = `accounts.handsets[${i}]`;
    if (handsets.has(h.name)) throw new IutProblem(`iut.${at}.name: "${h.name}" given twice`);
    if (h.msisdn !== SUBSCRIBER_MSISDNS[h.name]) throw new IutProblem(`iut.${at}.msisdn: the harness's ${h.name} is ${SUBSCRIBER_MSISDNS[h.name]}; route that number to this account`);
    handsets.set(h.name, { msisdn: h.msisdn, systemId: h.systemId, password: read.secret(`${at}.password`, h.password, h.passwordEnv)! });
  });
  return {
    role: 'smsc',
    ...(s.implementation ? { implementation: s.implementation } : {}),
    host: s.host,
    servername: s.servername ?? s.host,
    ports: s.ports,
    ...(s.trustAnchor ? { trustAnchorPem: read.trustAnchor(s.trustAnchor) } : {}),
    accounts: {
      evvmServer: account('evvmServer', s.accounts.evvmServer),
      ...(s.accounts.spoofer ? { spoofer: account('spoofer', s.accounts.spoofer) } : {}),
      ...(s.accounts.testEsme ? { testEsme: account('testEsme', s.accounts.testEsme) } : {}),
      handsets,
    },
    declares: s.declares,
    deliveryMs: s.deliveryMs,
    timeoutMs: s.timeoutMs,
  };
}

/** What no transcript may show: every bind password. */
export function smscSecrets(iut: SmscIut): string[] {
  const { evvmServer, spoofer, testEsme, handsets } = iut.accounts;
  return [evvmServer, spoofer, testEsme, ...handsets.values()].flatMap((a) => (a ? [a.password] : []));
}
