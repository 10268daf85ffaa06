/**
 * The EVVM Client under test: a vendor's client (a handset's VVM app, a desktop IMAP client) that the
 * harness cannot call, so the profile says how to make it act in each scenario (its trigger), and the
 * harness judges on the wire what reached the server it pointed the client at: its own EVVM Server, a
 * rogue server, a STARTTLS stripper. The client trusts the run's test CA (the {trustAnchor} file) and may
 * present the client certificate the harness issues for the account ({clientCert}, {clientKey}).
 */
import { z } from 'zod';
import { Port, secretPair, type IutReader } from './common';

/** The placeholders a trigger command may use, each replaced in every argument (docs/certifying.md). */
export const TRIGGER_PLACEHOLDERS = [
  'host', 'port', 'servername', 'transport', 'scheme', 'trustAnchor', 'clientCert', 'clientKey',
  'account', 'username', 'password', 'usernameUrl', 'passwordUrl', 'msisdn',
] as const;
export type TriggerPlaceholder = (typeof TRIGGER_PLACEHOLDERS)[number];
/**
 * The placeholders of trigger.offered, the command for the scenarios where the client picks a transport
 * itself (STD-04): both ports, and no {port}, {transport} or {scheme}, which would pick for it.
 */
export const OFFERED_PLACEHOLDERS = [
  'host', 'implicitTlsPort', 'starttlsPort', 'servername', 'trustAnchor', 'clientCert', 'clientKey',
  'account', 'username', 'password', 'usernameUrl', 'passwordUrl', 'msisdn',
] as const;
export type OfferedPlaceholder = (typeof OFFERED_PLACEHOLDERS)[number];

/** The argv of a trigger command (no shell), every `{placeholder}` one of `known`; also the SMTP roles' send trigger (iut/smtp-peer.ts). */
export function commandArgv(known: readonly string[]) {
  const names = new Set(known);
  return z
    .array(z.string().min(1))
    .min(1)
    .superRefine((args, ctx) => {
      const bad = [...new Set(args.flatMap((a) => [...a.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!)))].filter((p) => !names.has(p));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown placeholder ${bad.map((b) => `{${b}}`).join(', ')} (known: ${known.map((p) => `{${p}}`).join(' ')})` });
    });
}

const Trigger = z
  .object({
    /** argv of a command run per scenario (no shell), placeholders replaced: e.g. curl, or a script that drives a handset over adb */
    command: commandArgv(TRIGGER_PLACEHOLDERS).optional(),
    /** argv of the command for the scenarios where the client is offered implicit TLS and STARTTLS and picks one ({implicitTlsPort}, {starttlsPort}) */
    offered: commandArgv(OFFERED_PLACEHOLDERS).optional(),
    /** what the operator must do; the harness prints it with the endpoint, then counts down on stderr */
    manual: z.object({ instructions: z.string().min(1) }).strict().optional(),
    /** the harness sends the VVM STATUS through its SMSC to the client's MSISDN, as a network does; the client's device binds to that SMSC */
    sms: z
      .object({
        /** E.164: the client's number, which the harness's SMSC routes to the device's account */
        msisdn: z.string().regex(/^\+[0-9]{3,15}$/, { error: 'must be +digits (E.164)' }),
        /** the account the device binds with (the harness's SMSC accepts exactly this one on the msisdn) */
        bind: z
          .object({ systemId: z.string().min(1).max(15), ...secretPair('password') })
          .strict()
          .refine((a) => (a.password === undefined) !== (a.passwordEnv === undefined), { error: 'give password or passwordEnv, exactly one' }),
        /** fixed ports of the harness's SMSC (a device configured once); default: free ports, in the harness's note */
        listen: z.object({ smpp: Port.optional(), smpps: Port.optional() }).strict().default({}),
        /** where the harness writes the run's test CA before each notification, for a device that must trust it */
        trustAnchorFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((t) => [t.command, t.manual, t.sms].filter((x) => x !== undefined).length === 1, { error: 'give command, manual or sms, exactly one' });

const MAX_TIMEOUT_MS = 600_000;
/** A step that makes the client act waits at most its timeout and the trigger's wind-down. */
export const CLIENT_STEP_TIMEOUT_MS = MAX_TIMEOUT_MS + 30_000;

export const EvvmClientIutSchema = z
  .object({
    role: z.literal('evvm-client'),
    /** what is under test, as the report names it: product and version */
    implementation: z.string().min(1),
    trigger: Trigger,
    /** fixed ports where the harness takes the client's connections (a device configured once); default: a free port per scenario, given by {port} */
    listen: z.object({ imaps: Port.optional(), imap: Port.optional() }).strict().default({}),
    /**
     * the credentials a device was provisioned with, for the test accounts it stands for (a device cannot
     * be handed the run's own): the harness's EVVM Server serves those mailboxes with them
     */
    accounts: z
      .array(
        z
          .object({ name: z.enum(['alice', 'bob', 'carol']), msisdn: z.string().regex(/^\+[0-9]{3,15}$/, { error: 'must be +digits (E.164)' }).optional(), ...secretPair('password') })
          .strict()
          .refine((a) => (a.password === undefined) !== (a.passwordEnv === undefined), { error: 'give password or passwordEnv, exactly one' }),
      )
      .default([]),
    /** how long the client has to connect and finish, per scenario, in ms */
    timeoutMs: z.number().int().min(1000).max(MAX_TIMEOUT_MS).default(20_000),
  })
  .strict();

export type EvvmClientIutSection = z.infer<typeof EvvmClientIutSchema>;

/** The client section as the harness uses it (it names no file and no secret: the run's PKI and accounts are handed to the client). */
/** trigger.sms, its bind password resolved */
export interface SmsTrigger {
  kind: 'sms';
  msisdn: string;
  bind: { systemId: string; password: string };
  listen: { smpp?: number; smpps?: number };
  trustAnchorFile?: string;
}

export type EvvmClientIut = Omit<EvvmClientIutSection, 'trigger' | 'accounts'> & {
  trigger: ({ kind: 'command'; argv: string[] } | { kind: 'manual'; instructions: string } | SmsTrigger) & { offered?: string[] };
  accounts: Array<{ name: string; msisdn?: string; password: string }>;
};

export function resolveEvvmClient(s: EvvmClientIutSection, read: IutReader): EvvmClientIut {
  const { command, manual, sms, offered } = s.trigger;
  const how: EvvmClientIut['trigger'] = command
    ? { kind: 'command', argv: command }
    : manual
      ? { kind: 'manual', instructions: manual.instructions }
      : {
          kind: 'sms',
          msisdn: sms!.msisdn,
          bind: { systemId: sms!.bind.systemId, password: read.secret('trigger.sms.bind.password', sms!.bind.password, sms!.bind.passwordEnv)! },
          listen: sms!.listen,
          ...(sms!.trustAnchorFile ? { trustAnchorFile: read.path(sms!.trustAnchorFile) } : {}),
        };
  const trigger: EvvmClientIut['trigger'] = offered ? { ...how, offered } : how;
  const accounts = s.accounts.map((a, i) => ({ name: a.name, ...(a.msisdn ? { msisdn: a.msisdn } : {}), password: read.secret(`accounts[${i}].password`, a.password, a.passwordEnv)! }));
  return { ...s, trigger, accounts };
}
