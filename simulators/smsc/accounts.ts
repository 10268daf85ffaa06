/**
 * Who may bind to the SMSC, and which addresses are theirs. An account's addresses are the only
 * originating addresses the network lets it use (the EVVM Server's short code, a handset's MSISDN): the
 * SMSC sets source_addr from them, it does not take it from the PDU (EVVM-SMS-C01, C08).
 */
import { timingSafeEqual } from 'node:crypto';
import { NPI, TON } from '../protocol/smpp/constants';

export interface SmscAddress {
  /** digits, without '+': 94183, 15550001 */
  addr: string;
  ton: number;
  npi: number;
}

export interface SmscAccountSpec {
  systemId: string;
  /** a secret: at most 8 characters (SMPP password field) */
  password: string;
  /** an application (ESME) or a mobile subscriber's handset (the radio side, simulated as a bind) */
  kind: 'esme' | 'handset';
  /** the first is the default originating address */
  addresses: SmscAddress[];
}

/** An E.164 number (tel:+15550001, +15550001) as an international SMPP address. */
export function msisdnAddress(msisdn: string): SmscAddress {
  return { addr: msisdn.replace(/^tel:/, '').replace(/[^0-9]/g, ''), ton: TON.INTERNATIONAL, npi: NPI.ISDN };
}

/** A short code (the EVVM Server's number) as a network-specific SMPP address. */
export function shortCodeAddress(code: string): SmscAddress {
  return { addr: code, ton: TON.NETWORK_SPECIFIC, npi: NPI.UNKNOWN };
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AccountTable {
  private readonly bySystemId = new Map<string, SmscAccountSpec>();
  private readonly byAddr = new Map<string, SmscAccountSpec>();

  constructor(specs: Iterable<SmscAccountSpec> = []) {
    for (const s of specs) this.add(s);
  }

  add(spec: SmscAccountSpec): void {
    if (spec.systemId.length === 0 || spec.systemId.length > 15) throw new Error(`system_id "${spec.systemId}" must be 1-15 characters`);
    if (spec.password.length > 8) throw new Error(`the password of ${spec.systemId} is longer than 8 characters`);
    if (this.bySystemId.has(spec.systemId)) throw new Error(`system_id "${spec.systemId}" already exists`);
    for (const a of spec.addresses) if (this.byAddr.has(a.addr)) throw new Error(`address ${a.addr} already belongs to ${this.byAddr.get(a.addr)!.systemId}`);
    this.bySystemId.set(spec.systemId, spec);
    for (const a of spec.addresses) this.byAddr.set(a.addr, spec);
  }

  get(systemId: string): SmscAccountSpec | undefined {
    return this.bySystemId.get(systemId);
  }

  /** The account an address is routed to (leading '+' ignored). */
  byAddress(addr: string): SmscAccountSpec | undefined {
    return this.byAddr.get(addr.replace(/^\+/, ''));
  }

  all(): SmscAccountSpec[] {
    return [...this.bySystemId.values()];
  }
}
