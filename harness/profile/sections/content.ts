import { z } from 'zod';

const SuiteSchema = z.enum(['modern', 'classic']);
const PartSchema = z.enum(['audio', 'transcription']);
const ModeSchema = z.enum(['whole', 'parts', 'none']);

/**
 * Security of voicemail contents (EVVM-CONT-01..04): the service provider's policy, which the EVVM
 * Server applies on deposit and the EVVM Client insists on before playing. Scenarios of EVVM-CONT-01
 * and -02 exercise each encryption mode the capabilities declare, whatever `encryption` picks for
 * everyday deposits. See docs/content-security.md.
 */
export const contentPolicy = z
  .object({
    // whole: encrypt the whole voicemail (EVVM-CONT-01); parts: the chosen parts (EVVM-CONT-02); none
    encryption: ModeSchema.default('whole'),
    // the parts encrypted in 'parts' mode
    parts: z.array(PartSchema).min(1).default(['audio']),
    // allowed algorithm suites, the first used to protect: modern (AES-GCM AuthEnvelopedData,
    // RSA-OAEP or ECDH, RSA-PSS) and classic (AES-CBC EnvelopedData, RSA PKCS#1 v1.5) for older peers
    algorithms: z.array(SuiteSchema).min(1).default(['modern', 'classic']),
    // every voicemail carries a valid signature (EVVM-CONT-03)
    signatureRequired: z.boolean().default(true),
    // the signature is a non-repudiable one: asymmetric, signing time, nonRepudiation key usage,
    // bound to the originator or the depositing EVVM Server (EVVM-CONT-04)
    nonRepudiation: z.boolean().default(true),
  })
  .strict()
  .prefault({});

/** What the EVVM Enabler under test (server and client) declares it supports. */
export const contentCapabilities = z
  .object({
    encryptionModes: z.array(z.enum(['whole', 'parts'])).default(['whole', 'parts']),
    algorithms: z.array(SuiteSchema).min(1).default(['modern', 'classic']),
    // device key types the EVVM Server can encrypt to: rsa (key transport) and ec (ECDH key agreement)
    deviceKeys: z.array(z.enum(['rsa', 'ec'])).min(1).default(['rsa', 'ec']),
  })
  .strict()
  .prefault({});
