import { z } from 'zod';

/**
 * IF-3/IF-4/IF-9, SMS notifications (EVVM-SMS-C01..C09, candidates): the service provider's policy.
 * Defaults make the default profile "everything on": data SMS to an application port, an allow-listed
 * server number, SMPP over TLS.
 */
export const smsPolicy = z
  .object({
    // the EVVM Server's number: originator of notifications and destination (dn) of MO commands
    shortCode: z.string().regex(/^[0-9]{3,15}$/).default('94183'),
    // EVVM-SMS-C02: the originators the EVVM Client accepts notifications from
    originatorAllowList: z.array(z.string().regex(/^\+?[0-9]{3,15}$/)).min(1).default(['94183']),
    // EVVM-SMS-C03: notifications are data SMS to this application port; 0: legacy text SMS
    applicationPort: z.number().int().min(0).max(16999).default(5499),
    // the operator's client prefix (spec.md §c.1)
    clientPrefix: z.string().regex(/^\/\/[A-Z0-9]{1,10}$/).default('//VVM'),
    // EVVM-SMS-C09: the EVVM Server binds to the SMSC over TLS
    smppTls: z.boolean().default(true),
  })
  .strict()
  .prefault({});

/** What the EVVM Server's SMS interface (simulator or IUT) declares it supports. */
export const smsCapabilities = z
  .object({
    // application port addressing (UDH IE 0x05)
    portAddressing: z.boolean().default(true),
    // the mobile-originated commands it answers
    moCommands: z.array(z.enum(['Activate', 'Deactivate', 'STATUS'])).default(['Activate', 'Deactivate', 'STATUS']),
  })
  .strict()
  .prefault({});
