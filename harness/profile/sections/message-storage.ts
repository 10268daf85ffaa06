import { z } from 'zod';
import { imapServerCapabilityFields, imapServerPolicyFields } from './imap-server';

/**
 * IF-5, the CPM Message Storage Server (OMA-TS-CPM_MessageStorage §5.1.2): the service provider's policy.
 * CPM makes TLS optional; the provider decides whether it is required (then STD-02/03 apply) and whether
 * clients authenticate by certificate (the mutual authentication EVVM-AUTH-05 expects).
 */
export const messageStoragePolicy = z.object(imapServerPolicyFields).strict().prefault({});

/** What the Message Storage Server (simulator or IUT) declares it supports (CPM-MS-AUTH-01..06). */
export const messageStorageCapabilities = z
  .object({
    // transports: TLS with certificates (CPM-MS-AUTH-05); sasl: CPM-MS-AUTH-01; loginCommand: CPM-MS-AUTH-02, 03
    ...imapServerCapabilityFields,
    // PSK-TLS (CPM-MS-AUTH-06): TLSv1.2 (RFC 4279 suites) and/or TLSv1.3 (external PSK); [] when not offered
    pskTls: z.array(z.enum(['TLSv1.2', 'TLSv1.3'])).default(['TLSv1.2', 'TLSv1.3']),
    // the CPM system pre-configures the password when a user subscribes (CPM-MS-AUTH-04)
    preconfiguredPassword: z.boolean().default(true),
  })
  .strict()
  .prefault({});

export type MessageStoragePolicySection = z.infer<typeof messageStoragePolicy>;
export type MessageStorageCapabilitiesSection = z.infer<typeof messageStorageCapabilities>;
