/**
 * AUTHENTICATE (RFC 3501 §6.2.2, RFC 9051 §6.2.2) with SASL-IR (RFC 4959) on request.
 *
 * Challenges arrive as `+ base64`; replies go out base64, one line each, shown in the transcript only as
 * «SASL response, N bytes». A mechanism that rejects the server's data (SCRAM's server signature) cancels
 * with "*"; if the server claims success without proving itself, the connection is dropped.
 */
import { createSaslClient, SaslClientError, type SaslClientOptions } from '../../../sasl/client';
import type { MechanismName, SaslClientCredentials, SaslClientMechanism } from '../../../sasl/types';
import type { ContinuationReply, RawImapClient } from '../raw-client';
import { ProtocolError } from '../errors';
import { saslShown } from '../evidence';
import type { CommandResult } from '../types';

export interface AuthenticateOptions {
  /** SASL-IR: send the initial response on the command line (client-first mechanisms only) */
  initialResponse?: boolean;
  timeoutMs?: number;
  /** passed to createSaslClient (SCRAM client nonce for test vectors, iteration cap) */
  sasl?: SaslClientOptions;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeChallenge(text: string): Buffer {
  const data = text.trim();
  if (!BASE64.test(data)) throw new ProtocolError('MALFORMED_CHALLENGE', `SASL challenge is not base64: ${JSON.stringify(data.slice(0, 80))}`);
  return Buffer.from(data, 'base64');
}

function reply(data: Buffer): ContinuationReply {
  return { line: data.length === 0 ? '' : data.toString('base64'), shown: saslShown(data.length) };
}

/** Mutual-authentication failures: the server could not prove it knows the credential. */
function serverUnproven(err: unknown): boolean {
  return err instanceof SaslClientError && (err.code === 'SERVER_SIGNATURE_MISMATCH' || err.code === 'MISSING_SERVER_FINAL');
}

export async function authenticate(
  client: RawImapClient,
  mechanism: MechanismName | SaslClientMechanism,
  credentials: SaslClientCredentials = { authcid: '' },
  options: AuthenticateOptions = {},
): Promise<CommandResult> {
  const mech = typeof mechanism === 'string' ? createSaslClient(mechanism, credentials, options.sasl) : mechanism;
  client.registerSecret(credentials.password);
  const initial = mech.initial();
  const withIr = options.initialResponse === true && initial !== undefined;
  // The first `+` answers a client-first mechanism's need to send its initial response (RFC 4422 §5).
  let unsent = withIr ? undefined : initial;
  const pieces = ['AUTHENTICATE', mech.name, ...(withIr ? [{ text: initial.length === 0 ? '=' : initial.toString('base64'), shown: saslShown(initial.length) }] : [])];

  let result: CommandResult;
  try {
    result = await client.run(pieces, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      credential: { command: 'AUTHENTICATE', mechanism: mech.name, initialResponse: withIr },
      onContinuation: (response) => {
        const challenge = decodeChallenge(response.text);
        if (unsent !== undefined) {
          const data = unsent;
          unsent = undefined;
          return reply(data);
        }
        return reply(mech.respond(challenge));
      },
    });
  } catch (err) {
    if (serverUnproven(err)) {
      client.record('imap', 'event', `mutual authentication failed: ${(err as Error).message}; closing`);
      client.close();
    }
    throw err;
  }
  if (result.status === 'OK') {
    try {
      mech.verifySuccess?.(undefined);
    } catch (err) {
      client.record('imap', 'event', `server reported success but failed mutual authentication: ${(err as Error).message}; closing`);
      client.close();
      throw err;
    }
    if (result.code?.name !== 'CAPABILITY') client.forgetCapabilities();
  }
  return result;
}
