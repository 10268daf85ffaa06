import { randomBytes, randomInt } from 'node:crypto';

/** The identifier types EVVM associates with a voicemail box (spec.md EVVM-AUTH-01, Q2). */
export const IDENTIFIER_KINDS = ['MSISDN', 'SIP URI', 'e-mail alias'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface TestAccount {
  /** the scenario's name for the mailbox: alice, bob, carol */
  name: string;
  identifiers: Record<IdentifierKind, string>;
  password: string;
  blocked: boolean;
  /** the voicemail the mailbox holds, identified by its Message-ID */
  voicemail: { messageId: string; raw: Buffer };
  /** the name of the client certificate (test PKI leaf) of this user's device */
  clientCertificate?: string;
  /** the voicemail TUI PIN, which XCHANGE_TUI_PWD changes (VVM-04) */
  tuiPin?: string;
}

/** The test account a scenario names (alice, bob, carol). */
export function accountNamed(accounts: readonly TestAccount[], name: string): TestAccount {
  const found = accounts.find((a) => a.name === name);
  if (!found) throw new Error(`no test account named "${name}"`);
  return found;
}

/** A small VVM-style voicemail (VPIM-like multipart with an audio part), unique per mailbox and run. */
export function voicemailFor(account: string, to: string, runId: string): { messageId: string; raw: Buffer } {
  const messageId = `<vm-${account}-${runId}@evvm-server.op.example>`;
  const audio = randomBytes(96).toString('base64');
  const raw = [
    'From: tel:+15557777',
    `To: ${to}`,
    'Date: Sun, 22 Nov 2026 09:00:00 +0000',
    `Subject: voice mail for ${account}`,
    `Message-ID: ${messageId}`,
    'Message-Context: voice-message',
    'Content-Duration: 5',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="vm-boundary"',
    '',
    '--vm-boundary',
    'Content-Type: audio/amr',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="vm.amr"',
    '',
    audio,
    '--vm-boundary--',
    '',
  ].join('\r\n');
  return { messageId, raw: Buffer.from(raw, 'utf8') };
}

function password(): string {
  // random per run: a password that is hard-coded nowhere cannot be passed by a hard-coded result
  return randomBytes(12).toString('base64url');
}

/** The demo mailboxes every embedded run provisions: alice and bob active, carol blocked. */
export function demoAccounts(runId: string): TestAccount[] {
  const make = (name: string, msisdn: string, blocked: boolean, cert?: string): TestAccount => {
    const identifiers = { MSISDN: `tel:${msisdn}`, 'SIP URI': `sip:${name}@op.example`, 'e-mail alias': `${name}@op.example` };
    // a six-digit TUI PIN, inside the pw_len range the simulator declares (VVM-04); never the digits of a port
    const tuiPin = String(randomInt(100_000, 999_999));
    return { name, identifiers, password: password(), blocked, voicemail: voicemailFor(name, identifiers.MSISDN, runId), tuiPin, ...(cert ? { clientCertificate: cert } : {}) };
  };
  return [make('alice', '+15550001', false, 'evvm-client'), make('bob', '+15550002', false, 'evvm-client-bob'), make('carol', '+15550003', true)];
}
