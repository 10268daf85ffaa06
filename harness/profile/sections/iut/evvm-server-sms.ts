/**
 * `iut.role: evvm-server-sms`: a vendor's EVVM Server SMS interface (its ESME, IF-9). It binds to the
 * harness's SMSC with its own account (which the harness's SMSC is given, on the operator's short code),
 * sends the VVM notifications and answers the subscribers' MO commands. The harness cannot call it, so
 * the profile says how to make it act (its trigger: bind now, a voicemail was left for a subscriber), and
 * gives the credentials its STATUS carries for the test subscribers.
 */
import { z } from 'zod';
import { IutProblem, Port, secretPair, type IutReader } from './common';

/** The placeholders a trigger command may use, each replaced in every argument (docs/certifying.md). */
export const SMS_TRIGGER_PLACEHOLDERS = ['event', 'host', 'smppPort', 'smppsPort', 'servername', 'trustAnchor', 'systemId', 'password', 'shortCode', 'mailbox', 'msisdn'] as const;
export type SmsTriggerPlaceholder = (typeof SMS_TRIGGER_PLACEHOLDERS)[number];

const KNOWN = new Set<string>(SMS_TRIGGER_PLACEHOLDERS);
const unknownPlaceholders = (args: readonly string[]): string[] =>
  [...new Set(args.flatMap((a) => [...a.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!)))].filter((p) => !KNOWN.has(p));

const Trigger = z
  .object({
    /** argv run per event (no shell), placeholders replaced: {event} is bind (at the scenario's start) or deposit */
    command: z
      .array(z.string().min(1))
      .min(1)
      .superRefine((args, ctx) => {
        const bad = unknownPlaceholders(args);
        if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown placeholder ${bad.map((b) => `{${b}}`).join(', ')} (known: ${SMS_TRIGGER_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})` });
      })
      .optional(),
    /** the operator binds the ESME and leaves the voicemails the harness asks for; the harness counts down on stderr */
    manual: z.object({ instructions: z.string().min(1) }).strict().optional(),
  })
  .strict()
  .refine((t) => (t.command === undefined) !== (t.manual === undefined), { error: 'give command or manual, exactly one' });

const Subscriber = z
  .object({ name: z.enum(['alice', 'bob', 'carol']), ...secretPair('password') })
  .strict()
  .refine((a) => (a.password === undefined) !== (a.passwordEnv === undefined), { error: 'give password or passwordEnv, exactly one' });

export const EvvmServerSmsIutSchema = z
  .object({
    role: z.literal('evvm-server-sms'),
    /** what is under test, as the report names it: product and version */
    implementation: z.string().min(1),
    /** the account it binds with: the harness's SMSC accepts exactly this one on the short code */
    bind: z
      .object({ systemId: z.string().min(1).max(15), ...secretPair('password') })
      .strict()
      .refine((a) => (a.password === undefined) !== (a.passwordEnv === undefined), { error: 'give password or passwordEnv, exactly one' }),
    trigger: Trigger,
    /** fixed ports for the harness's SMSC (an ESME configured once); default: free ports per scenario, given by {smppPort} {smppsPort} */
    listen: z.object({ smpp: Port.optional(), smpps: Port.optional() }).strict().default({}),
    /** the VVM passwords its STATUS gives the test subscribers (alice, bob ready; carol blocked), so the harness knows them when they arrive */
    subscribers: z.array(Subscriber).default([]),
    /** how long it has to bind, or to act after a trigger, in ms */
    timeoutMs: z.number().int().min(1000).max(600_000).default(20_000),
    /** how long it may take to answer an MO command the harness's SMSC delivered, in ms */
    replyMs: z.number().int().min(100).max(30_000).default(2000),
  })
  .strict();

export type EvvmServerSmsIutSection = z.infer<typeof EvvmServerSmsIutSchema>;

export type EvvmServerSmsIut = Omit<EvvmServerSmsIutSection, 'trigger' | 'bind' | 'subscribers'> & {
  trigger: { kind: 'command'; argv: string[] } | { kind: 'manual'; instructions: string };
  bind: { systemId: string; password: string };
  subscribers: Array<{ name: string; password: string }>;
};

export function resolveEvvmServerSms(s: EvvmServerSmsIutSection, read: IutReader): EvvmServerSmsIut {
  const trigger = s.trigger.command ? { kind: 'command' as const, argv: s.trigger.command } : { kind: 'manual' as const, instructions: s.trigger.manual!.instructions };
  const bind = { systemId: s.bind.systemId, password: read.secret('bind.password', s.bind.password, s.bind.passwordEnv)! };
  if (Buffer.byteLength(bind.password) > 8) throw new IutProblem('iut.bind.password: SMPP passwords are at most 8 octets');
  const subscribers = s.subscribers.map((a, i) => ({ name: a.name, password: read.secret(`subscribers[${i}].password`, a.password, a.passwordEnv)! }));
  return { ...s, trigger, bind, subscribers };
}

/** The test accounts with the passwords the EVVM Server under test gives its subscribers, where the profile names them. */
export function withSubscriberPasswords<A extends { name: string; password: string }>(accounts: readonly A[], iut: EvvmServerSmsIut): A[] {
  return accounts.map((a) => {
    const own = iut.subscribers.find((s) => s.name === a.name);
    return own ? { ...a, password: own.password } : a;
  });
}
