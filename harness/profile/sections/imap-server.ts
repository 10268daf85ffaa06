import { z } from 'zod';

export const SaslMechanismSchema = z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL', 'DIGEST-MD5']);
export const TransportSchema = z.enum(['implicit-tls', 'starttls']);

/**
 * The fields every IMAP server role's sections share (the EVVM Server on IF-1, the Message Storage Server
 * on IF-5): each role's section spreads them and adds its own, so that the simulators' common policy
 * (simulators/protocol/imap/server/role-backend.ts ImapServerPolicy) reads the same in every profile.
 */
export const imapServerPolicyFields = {
  // LOGINDISABLED and no password-exposing authentication before TLS (RFC 2595 §3.2, RFC 9051 §6.2.2)
  requireTls: z.boolean().default(true),
  // client certificates (or PSK-TLS where the role offers it) on TLS: required | optional | none
  clientCertificate: z.enum(['required', 'optional', 'none']).default('required'),
};

export const imapServerCapabilityFields = {
  // TLS on an implicit-TLS port, via STARTTLS, or both
  transports: z.array(TransportSchema).min(1).default(['implicit-tls', 'starttls']),
  // SASL mechanisms for AUTHENTICATE; [] when SASL is not offered
  sasl: z.array(SaslMechanismSchema).default(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL']),
  // the LOGIN command with username and password
  loginCommand: z.boolean().default(true),
};
