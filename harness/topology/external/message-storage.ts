/** The message-storage role (harness/roles/message-storage.ts) when a vendor's Message Storage Server is under test. */
import type { Profile } from '../../profile/profile';
import type { ImapServerIut, IutAccount } from '../../profile/sections/iut';
import type { TestPki } from '../../../simulators/crypto/pki/types';
import type { StorageTarget } from '../../../simulators/evvm-server/message-storage-client';
import { storageTargetFor, type ClientCredential, type MessageStorageRole, type MssAccount, type PskCredential } from '../../roles/message-storage';
import { iutEndpoint, missing } from '../external';
import { registerExternalRole } from '../registry';
import type { Endpoint, Transport } from '../roles';

/** The vendor's Message Storage Server. */
class ExternalMessageStorage implements MessageStorageRole {
  readonly actor = 'Message Storage Server (IUT)';
  readonly external = true;

  constructor(
    private readonly iut: ImapServerIut,
    private readonly profile: Profile,
    private readonly pki: TestPki,
  ) {}

  get timeoutMs(): number {
    return this.iut.timeoutMs;
  }

  get trustAnchorPem(): string {
    return this.iut.trustAnchorPem;
  }

  endpoint(transport: Transport): Endpoint | undefined {
    return iutEndpoint(this.iut, this.profile.capabilities.messageStorage.transports, transport);
  }

  pskEndpoint(): Endpoint | undefined {
    const port = this.iut.ports.pskTls;
    return this.profile.capabilities.messageStorage.pskTls.length > 0 && port !== undefined ? { host: this.iut.host, port, servername: this.iut.servername } : undefined;
  }

  clientCredential(kind: 'valid' | 'untrusted-ca'): ClientCredential | undefined {
    if (kind === 'untrusted-ca') {
      // issued by the harness's rogue root, which no IUT trusts
      const c = this.pki.bad('evvm-client', 'untrusted-ca');
      return { chainPem: c.chainPem, keyPem: c.keyPem };
    }
    if (this.iut.clientCertificate) return this.iut.clientCertificate;
    if (this.profile.policy.messageStorage.clientCertificate === 'required') missing('client certificate the Message Storage Server accepts (iut.clientCertificate)');
    return undefined;
  }

  psk(): PskCredential | undefined {
    if (this.profile.capabilities.messageStorage.pskTls.length === 0) return undefined;
    return this.iut.psk ?? missing('provisioned PSK-TLS identity (iut.psk)');
  }

  account(name: string): MssAccount {
    const a = this.iut.accounts.find((x) => x.name === name) ?? missing(`test account "${name}" (iut.accounts)`);
    return toMssAccount(a);
  }

  knownAccounts(): MssAccount[] {
    return this.iut.accounts.map(toMssAccount);
  }

  async subscribe(name: string): Promise<MssAccount> {
    // The harness cannot subscribe users on a vendor's system: the vendor did, and names the result (IXIT).
    const a = this.iut.accounts.find((x) => x.name === name && x.preconfigured) ?? missing(`subscribed user "${name}" with its pre-configured password (iut.accounts with preconfigured: true)`);
    return toMssAccount(a);
  }

  storageTarget(name: string): StorageTarget {
    return storageTargetFor({ endpoint: (t) => this.endpoint(t), trustAnchorPem: this.iut.trustAnchorPem, certificate: this.iut.clientCertificate, profile: this.profile, account: this.account(name), timeoutMs: this.iut.timeoutMs });
  }
}

function toMssAccount(a: IutAccount): MssAccount {
  return {
    name: a.name,
    username: a.username,
    password: a.password,
    ...(a.tuiPin !== undefined ? { tuiPin: a.tuiPin } : {}),
    ...(a.sip ? { sip: a.sip } : {}),
    ...(a.messageId ? { marker: a.messageId } : {}),
  };
}

registerExternalRole('message-storage', 'message-storage', async (ctx) => {
  const mss = new ExternalMessageStorage(ctx.iut, ctx.profile, ctx.pki);
  await ctx.reach('the Message Storage Server (IUT)', [mss.endpoint('implicit-tls')?.port, mss.endpoint('starttls')?.port]);
  return mss;
});
