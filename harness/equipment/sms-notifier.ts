/**
 * trigger.sms of an EVVM Client under test: the harness's SMSC, on which the client's device binds with its
 * own account on its MSISDN, and the harness's EVVM Server as an ESME on the short code, which sends the
 * device a VVM STATUS naming the server a scenario points the client at, as a network does. It reports
 * what it saw (the device bound or not); the client's connections are judged by the caller.
 */
import { randomBytes } from 'node:crypto';
import type { TranscriptSink } from '../../evidence/transcript';
import type { TestPki } from '../../simulators/crypto/pki/types';
import type { Esme, SubmitOutcome } from '../../simulators/protocol/smpp/esme';
import { encodeStatus } from '../../simulators/protocol/vvm-sms/encode';
import { bindAccount, submitSms } from '../../simulators/protocol/vvm-sms/smsc-account';
import { msisdnAddress, shortCodeAddress, Smsc } from '../../simulators/smsc';
import type { SmsTrigger } from '../profile/sections/iut/evvm-client';
import type { Profile } from '../profile/profile';

export class SmsNotifier {
  private sender?: Esme;

  private constructor(
    private readonly smsc: Smsc,
    private readonly ports: { smpp?: number; smpps?: number },
    private readonly trigger: SmsTrigger,
    private readonly policy: Profile['policy']['sms'],
    private readonly own: { systemId: string; password: string },
    private readonly transcript: TranscriptSink,
  ) {}

  /** The SMSC with the device's account and the EVVM Server's, listening on the trigger's ports (or free ones). */
  static async start(a: { pki: TestPki; trigger: SmsTrigger; policy: Profile['policy']['sms']; transcript: TranscriptSink }): Promise<SmsNotifier> {
    const own = { systemId: 'evvm-server', password: randomBytes(6).toString('base64url') };
    a.transcript.secret(own.password);
    const leaf = a.pki.leaf('smsc');
    const smsc = new Smsc({
      listen: { plain: true, tls: { key: leaf.keyPem, cert: leaf.chainPem } },
      ports: a.trigger.listen,
      accounts: [
        { ...a.trigger.bind, kind: 'handset', addresses: [msisdnAddress(a.trigger.msisdn)] },
        { ...own, kind: 'esme', addresses: [shortCodeAddress(a.policy.shortCode)] },
      ],
      transcript: a.transcript,
    });
    const ports = await smsc.start();
    return new SmsNotifier(smsc, ports, a.trigger, a.policy, own, a.transcript);
  }

  /** Where the device binds, for the harness's note and an operator. */
  get where(): string {
    return Object.entries(this.ports).map(([k, v]) => `${k} 127.0.0.1:${v}`).join(', ');
  }

  /** Whether the device is bound with its account now. */
  deviceBound(): boolean {
    return this.smsc.observations().binds.some((b) => b.systemId === this.trigger.bind.systemId && b.status === 'ESME_ROK');
  }

  /** The STATUS a provisioned EVVM Server sends: the IMAP server (srv, ipt) and the account; the password stays out of the transcript. */
  async sendStatus(to: { servername: string; port: number; username: string; password: string }): Promise<SubmitOutcome> {
    this.sender ??= await bindAccount(
      { smsc: { host: '127.0.0.1', port: this.ports.smpp! }, credentials: this.own },
      { actor: 'EVVM Server', transcript: this.transcript, as: 'transmitter', refusal: "the harness's SMSC refused its own EVVM Server" },
    );
    this.transcript.secret(to.password);
    const text = encodeStatus({ prefix: this.policy.clientPrefix, st: 'R', rc: 0, srv: to.servername, ipt: to.port, u: to.username, pw: to.password });
    return submitSms(this.sender, { to: this.trigger.msisdn, text, ...(this.policy.applicationPort ? { port: this.policy.applicationPort } : {}) });
  }

  async stop(): Promise<void> {
    await this.sender?.close();
    await this.smsc.stop();
  }
}
