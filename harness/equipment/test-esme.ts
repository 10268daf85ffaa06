/**
 * The harness's own ESME (test equipment of EVVM-SMS-C09): connected to an SMSC endpoint, it tries binds
 * with credentials that are not its own and submits a SYNC as if it were the EVVM Server, so a scenario can
 * see what the SMSC lets through. It reports the SMSC's answers; conditions judge them.
 */
import type { TranscriptSink } from '../../evidence/transcript';
import { NPI, TON } from '../../simulators/protocol/smpp/constants';
import { Esme, type BindOutcome, type SubmitOutcome } from '../../simulators/protocol/smpp/esme';
import { renderShortMessage } from '../../simulators/protocol/vvm-sms/render';
import { submitSms } from '../../simulators/protocol/vvm-sms/smsc-account';

/** The password every wrong bind uses: never an account's (those are random per scenario). */
const WRONG_PASSWORD = 'wrong-pw';

/** What a bind of the test ESME was answered: an SMSC under test shows its binds only this way. */
export type BindRecorder = (bind: { systemId: string; secure: boolean; outcome: BindOutcome }) => void;

export class TestEsme {
  private constructor(
    private readonly esme: Esme,
    private readonly secure: boolean,
    private readonly recorder?: BindRecorder,
  ) {}

  /** Connects, not bound: over TLS when the endpoint names the SMSC's certificate (`servername`), trusting `ca`. */
  static async open(a: { endpoint: { host: string; port: number; servername?: string }; ca: string; peer: string; transcript: TranscriptSink; onBind?: BindRecorder }): Promise<TestEsme> {
    const { host, port, servername } = a.endpoint;
    const esme = await Esme.connect({ host, port, ...(servername ? { tls: { ca: a.ca, servername } } : {}), actor: 'Test ESME', peer: a.peer, transcript: a.transcript, text: renderShortMessage });
    return new TestEsme(esme, servername !== undefined, a.onBind);
  }

  /** bind_transceiver with these credentials, whatever their length (PRAC-04). */
  bindAs(credentials: { systemId: string; password: string }): Promise<BindOutcome> {
    return this.bind(credentials);
  }

  /** bind_transceiver as `systemId` with a wrong password. */
  bindWithWrongPassword(systemId: string): Promise<BindOutcome> {
    return this.bind({ systemId, password: WRONG_PASSWORD });
  }

  private async bind(credentials: { systemId: string; password: string }): Promise<BindOutcome> {
    const outcome = await this.esme.bind('transceiver', credentials);
    this.recorder?.({ systemId: credentials.systemId, secure: this.secure, outcome });
    return outcome;
  }

  /**
   * submit_sm of `text` to the MSISDN `to`, claiming the EVVM Server's short code `from`: a data SMS to the
   * application port, or a text SMS when the port is 0 (as the EVVM Server sends its notifications).
   */
  submitAs(from: string, sms: { to: string; text: string; port: number }): Promise<SubmitOutcome> {
    const port = sms.port ? { port: sms.port } : {};
    return submitSms(this.esme, { to: sms.to, text: sms.text, ...port, destTon: TON.UNKNOWN, source: { addr: from, ton: TON.UNKNOWN, npi: NPI.UNKNOWN } });
  }

  close(): Promise<void> {
    return this.esme.close();
  }
}
