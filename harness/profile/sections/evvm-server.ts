import { z } from 'zod';

export const SaslMechanismSchema = z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL']);
export const TransportSchema = z.enum(['implicit-tls', 'starttls']);

/** IF-1, EVVM Client ↔ EVVM Server: the service provider's policy. */
export const evvmServerPolicy = z
  .object({
    // LOGINDISABLED and no authentication before TLS (RFC 2595 §3.2, RFC 9051 §6.2.2)
    requireTls: z.boolean().default(true),
    // SEC_CF mutual authentication on IF-1
    clientCertificate: z.enum(['required', 'optional', 'none']).default('required'),
  })
  .strict()
  .prefault({});

/** What the EVVM Server (simulator or IUT) declares it supports. */
export const evvmServerCapabilities = z
  .object({
    transports: z.array(TransportSchema).min(1).default(['implicit-tls', 'starttls']),
    sasl: z.array(SaslMechanismSchema).default(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL']),
    loginCommand: z.boolean().default(true),
  })
  .strict()
  .prefault({});
