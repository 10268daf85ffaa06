import { z } from 'zod';
import { imapServerCapabilityFields, imapServerPolicyFields } from './imap-server';

export { SaslMechanismSchema, TransportSchema } from './imap-server';

/** IF-1, EVVM Client ↔ EVVM Server: the service provider's policy; clientCertificate is SEC_CF mutual authentication on IF-1. */
export const evvmServerPolicy = z.object(imapServerPolicyFields).strict().prefault({});

/**
 * What the EVVM Server (simulator or IUT) declares it supports. EVVM-AUTH-02 holds on any IMAP server as
 * "every identifier reaches the same mailbox"; the two ways of acting as another identifier within one
 * session are not defined by the spec, so they are tested only where declared: a SASL authorization
 * identity (RFC 4422 §3.4.1) naming another identifier, and the mailbox addressed as "#id/<identifier>/INBOX".
 */
export const evvmServerCapabilities = z
  .object({
    ...imapServerCapabilityFields,
    identifierAuthzid: z.boolean().default(false),
    identifierNamespace: z.boolean().default(false),
    // VVM-04: XCHANGE_TUI_PWD, with the pw_len range of its STATUS SMS; absent when the server does not offer it
    xchangeTuiPwd: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).strict().optional(),
  })
  .strict()
  .prefault({});
