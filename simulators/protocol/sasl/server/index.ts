/**
 * Server side of the SASL mechanisms (RFC 4422) used by IMAP AUTHENTICATE. Each is a pure state machine;
 * IMAP framing (base64, continuations, cancellation, SASL-IR) lives in the IMAP server.
 */
import type { MechanismName, SaslServerMechanism } from '../types';
import { CramMd5Server, type CramMd5Options } from './cram-md5';
import { DigestMd5Server, type DigestMd5Options } from './digest-md5';
import { ExternalServer } from './external';
import { LoginServer } from './login';
import { PlainServer } from './plain';
import { ScramSha256Server, type ScramServerOptions } from './scram-sha-256';
import type { PasswordServerContext } from './util';

export { CramMd5Server, DigestMd5Server, ExternalServer, LoginServer, PlainServer, ScramSha256Server };
export type { CramMd5Options, DigestMd5Options, ScramServerOptions };
export type { ScramCredentialParams } from './scram-sha-256';
export type { PasswordServerContext, PasswordVerdict } from './util';
export { safeEqual } from './util';

export const SERVER_MECHANISMS: readonly MechanismName[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL', 'DIGEST-MD5'];

export interface ServerMechanismOptions {
  cramMd5?: CramMd5Options;
  scram?: ScramServerOptions;
  digestMd5?: DigestMd5Options;
}

export function isMechanismName(name: string): name is MechanismName {
  return (SERVER_MECHANISMS as readonly string[]).includes(name);
}

/** A fresh mechanism instance for one AUTHENTICATE exchange. */
export function createServerMechanism(
  name: MechanismName,
  ctx: PasswordServerContext,
  options: ServerMechanismOptions = {},
): SaslServerMechanism {
  switch (name) {
    case 'PLAIN':
      return new PlainServer(ctx);
    case 'LOGIN':
      return new LoginServer(ctx);
    case 'CRAM-MD5':
      return new CramMd5Server(ctx, options.cramMd5);
    case 'SCRAM-SHA-256':
      return new ScramSha256Server(ctx, options.scram);
    case 'EXTERNAL':
      return new ExternalServer(ctx);
    case 'DIGEST-MD5':
      return new DigestMd5Server(ctx, options.digestMd5);
  }
}
