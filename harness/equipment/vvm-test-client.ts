import { randomInt } from 'node:crypto';
import type { TranscriptSink } from '../../evidence/transcript';
import type { Answer } from '../conditions/vvm/imap';
import type { ImplicitTlsPort } from '../conditions/std/transport';
import { HarnessError } from '../engine/outcomes';
import type { Profile } from '../profile/profile';
import type { EvvmServerRole } from '../roles/authentication';
import { EvvmServerTestClient } from './evvm-server-test-client';
import type { LoginAttempt } from './test-client';
import { quote } from './test-client';

/** TUI PINs are at least four digits (VVM STATUS pw_len examples, SG.20). */
const MIN_SECRET_PIN = 4;

/**
 * The harness's test client driving the VVM base behaviour of the EVVM Server on IF-1 (test equipment):
 * a login by the declared password method, then the VVM commands a VVM client may or must not use
 * (STORE of flags, STATUS, XCHANGE_TUI_PWD). It reports answers; the conditions judge them.
 */
export class VvmTestClient {
  readonly session: EvvmServerTestClient;

  constructor(
    private readonly server: () => Promise<EvvmServerRole>,
    profile: Profile,
    private readonly transcript: TranscriptSink,
    private readonly upgraded: (failed: string | undefined) => void,
  ) {
    this.session = new EvvmServerTestClient(server, profile, transcript, upgraded);
  }

  close(): void {
    this.session.close();
  }

  /** TLS up on a declared transport, then a password login by the declared method. */
  async login(identifier: string, password: string): Promise<LoginAttempt> {
    return (await this.session.openTls()).passwordLogin(identifier, password);
  }

  /** TLS up, no login: the not-authenticated state. */
  async openWithoutLogin(): Promise<void> {
    await this.session.openTls();
  }

  /** STARTTLS on the EVVM Server's STARTTLS port: its capabilities before TLS, and asked again inside TLS. */
  async capabilitiesAcrossStarttls(): Promise<{ before: string[]; inside: string[] }> {
    await this.session.openBeforeTls();
    const failed = await this.session.client.starttls();
    this.upgraded(failed);
    return { before: this.session.capabilitiesBeforeTls, inside: failed === undefined ? await this.session.client.capabilities() : [] };
  }

  /** What the EVVM Server's implicit TLS port shows: whether it offers one, and the greeting over it. */
  async implicitTlsPort(): Promise<ImplicitTlsPort> {
    if (!(await this.server()).endpoint('implicit-tls')) return { offered: false };
    await this.session.open('implicit-tls', 'valid');
    const c = this.session.client;
    return { offered: true, greeting: c.greeting, tlsProtocol: c.client?.tlsInfo?.protocol, connectError: c.connectError };
  }

  private async command(line: string): Promise<Answer> {
    const c = this.session.client.client;
    if (!c) return { status: 'none', text: 'not connected' };
    try {
      const r = await c.command(line);
      return { status: r.status, text: r.text };
    } catch (err) {
      return { status: 'none', text: (err as Error).message };
    }
  }

  /** Sets a flag on the first voicemail of the INBOX. */
  async setFlag(flag: string): Promise<Answer> {
    const selected = await this.command('SELECT INBOX');
    if (selected.status !== 'OK') throw new HarnessError(`SELECT INBOX answered ${selected.status} "${selected.text}": no voicemail to flag`);
    return this.command(`STORE 1 +FLAGS (${flag})`);
  }

  /** The flags of the first voicemail of the selected INBOX, or undefined when they cannot be read. */
  async flags(): Promise<string[] | undefined> {
    const r = await this.session.client.client?.command('FETCH 1 (FLAGS)').catch(() => undefined);
    const line = r?.status === 'OK' ? r.untagged.find((l) => /FLAGS \(/i.test(l)) : undefined;
    const m = line ? /FLAGS \(([^)]*)\)/i.exec(line) : null;
    return m ? m[1]!.split(' ').filter(Boolean) : undefined;
  }

  statusOf(folder: string): Promise<Answer> {
    return this.command(`STATUS ${quote(folder)} (MESSAGES UNSEEN)`);
  }

  /**
   * XCHANGE_TUI_PWD; the PINs are secrets, kept out of every transcript. A value shorter than any pw_len allows
   * never becomes a PIN, and redacting its few digits everywhere would only garble the evidence.
   */
  changeTuiPassword(newPin: string, oldPin: string): Promise<Answer> {
    for (const pin of [newPin, oldPin]) if (pin.length >= MIN_SECRET_PIN) this.transcript.secret(pin);
    return this.command(`XCHANGE_TUI_PWD PWD=${newPin} OLD_PWD=${oldPin}`);
  }
}

/** A random PIN of `length` digits with no obvious pattern (no repeated digit, no run), so only its length can be refused. */
export function randomPin(length: number): string {
  for (;;) {
    const pin = Array.from({ length }, () => randomInt(10)).join('');
    const d = [...pin].map(Number);
    const steps = new Set(d.slice(1).map((v, i) => v - d[i]!));
    if (length < 2 || steps.size > 1 || ![0, 1, -1].includes([...steps][0]!)) return pin;
  }
}
