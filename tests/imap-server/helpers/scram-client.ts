/** A minimal SCRAM-SHA-256 client for the end-to-end tests (the project's client lives in sasl/client). */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export class TestScramClient {
  private readonly nonce: string;
  private readonly bare: string;
  private authMessage = '';
  private salted = Buffer.alloc(0);

  constructor(
    user: string,
    private readonly password: string,
    private readonly authzid = '',
    nonce?: string,
  ) {
    this.nonce = nonce ?? randomBytes(12).toString('base64');
    this.bare = `n=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
  }

  private get gs2(): string {
    return `n,${this.authzid ? `a=${this.authzid.replace(/=/g, '=3D').replace(/,/g, '=2C')}` : ''},`;
  }

  first(): Buffer {
    return Buffer.from(this.gs2 + this.bare);
  }

  final(serverFirst: Buffer): Buffer {
    const sf = serverFirst.toString();
    const attrs = Object.fromEntries(sf.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const salt = Buffer.from(attrs['s']!, 'base64');
    this.salted = pbkdf2Sync(this.password, salt, Number(attrs['i']), 32, 'sha256');
    const withoutProof = `c=${Buffer.from(this.gs2).toString('base64')},r=${attrs['r']}`;
    this.authMessage = `${this.bare},${sf},${withoutProof}`;
    const clientKey = createHmac('sha256', this.salted).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const sig = createHmac('sha256', storedKey).update(this.authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]!));
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  serverSignatureOk(serverFinal: Buffer): boolean {
    const serverKey = createHmac('sha256', this.salted).update('Server Key').digest();
    const v = createHmac('sha256', serverKey).update(this.authMessage).digest('base64');
    return serverFinal.toString() === `v=${v}`;
  }
}
