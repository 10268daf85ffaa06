/**
 * The EVVM Server's view of its VVM subscribers for the SMS interface: provisioning status (st), whether
 * SYNC notifications are on, the application port the client registered (pt). A subscriber is found by
 * the originating address the network set on an MO command, and by nothing else (EVVM-SMS-C08).
 */
import type { ProvisioningState } from '../../protocol/vvm-sms/fields';

export interface SubscriberSpec {
  /** tel:+15550001: the mailbox identifier the subscriber's handset has */
  msisdn: string;
  /** u: the IMAP user name of the STATUS SMS */
  username: string;
  /** pw: a secret */
  password: string;
  blocked: boolean;
}

export interface Subscriber {
  readonly msisdn: string;
  /** digits of the MSISDN, as SMPP addresses carry them */
  readonly digits: string;
  readonly username: string;
  readonly password: string;
  state: ProvisioningState;
  /** SYNC notifications are sent on deposit */
  notifications: boolean;
  /** set by Deactivate, cleared by Activate */
  deactivated: boolean;
  /** application port of notifications; 0: text SMS */
  port: number;
  clientType?: string;
}

export const digitsOf = (msisdn: string): string => msisdn.replace(/^tel:/, '').replace(/[^0-9]/g, '');

/** Subscriber view for observers: no password. */
export type SubscriberView = Omit<Subscriber, 'password'>;

export class SubscriberTable {
  private readonly list: Subscriber[];

  constructor(specs: readonly SubscriberSpec[], defaultPort: number) {
    // until Activate, a subscriber is provisioned for VVM but not active (VVM-08)
    this.list = specs.map((s) => ({
      msisdn: s.msisdn,
      digits: digitsOf(s.msisdn),
      username: s.username,
      password: s.password,
      state: s.blocked ? 'B' : 'P',
      notifications: false,
      deactivated: false,
      port: defaultPort,
    }));
  }

  /** The subscriber whose MSISDN is exactly this originating address. */
  byOriginator(address: string, looseLastDigits?: number): Subscriber | undefined {
    const digits = digitsOf(address);
    const exact = this.list.find((s) => s.digits === digits);
    if (exact || !looseLastDigits) return exact;
    // the loose comparison the loose-msisdn-match fault switches on (sms-interface.ts)
    return this.list.find((s) => s.digits.slice(-looseLastDigits) === digits.slice(-looseLastDigits));
  }

  byMailboxIdentifiers(identifiers: readonly string[]): Subscriber | undefined {
    const wanted = new Set(identifiers.filter((i) => /^tel:/i.test(i)).map(digitsOf));
    return this.list.find((s) => wanted.has(s.digits));
  }

  all(): readonly Subscriber[] {
    return this.list;
  }
}

export function view(s: Subscriber): SubscriberView {
  const { password: _secret, ...rest } = s;
  void _secret;
  return { ...rest };
}
