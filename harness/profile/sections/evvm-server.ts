import { z } from 'zod';
import { imapServerCapabilityFields, imapServerPolicyFields } from './imap-server';

export { SaslMechanismSchema, TransportSchema } from './imap-server';

/** IF-1, EVVM Client ↔ EVVM Server: the service provider's policy; clientCertificate is SEC_CF mutual authentication on IF-1. */
export const evvmServerPolicy = z.object(imapServerPolicyFields).strict().prefault({});

/** What the EVVM Server (simulator or IUT) declares it supports. */
export const evvmServerCapabilities = z.object(imapServerCapabilityFields).strict().prefault({});
