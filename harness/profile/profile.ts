import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../paths';
import { INPUT_LIMITS, InputFileError, parseYaml, readInputFile } from '../input';
import { evvmServerCapabilities, evvmServerPolicy, SaslMechanismSchema } from './sections/evvm-server';
import { smsCapabilities, smsPolicy } from './sections/sms';
import { messageStorageCapabilities, messageStoragePolicy } from './sections/message-storage';
import { IutSchema } from './sections/iut';
import { interworkingCapabilities, interworkingPolicy } from './sections/interworking';
import { contentCapabilities, contentPolicy } from './sections/content';

// One section per clause (harness/profile/sections/); add a clause's policy and capabilities by one line each.
const ProfileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    policy: z
      .object({
        evvmServer: evvmServerPolicy,
        sms: smsPolicy,
        messageStorage: messageStoragePolicy,
        interfaces: interworkingPolicy,
        content: contentPolicy,
      })
      .strict()
      .prefault({}),
    capabilities: z
      .object({
        evvmServer: evvmServerCapabilities,
        sms: smsCapabilities,
        messageStorage: messageStorageCapabilities,
        interworking: interworkingCapabilities,
        content: contentCapabilities,
      })
      .strict()
      .prefault({}),
    // the implementation under test, when a vendor's server plays a role (sections/iut.ts)
    iut: IutSchema.optional(),
  })
  .strict();

export type Profile = z.infer<typeof ProfileSchema>;
export type SaslMechanism = z.infer<typeof SaslMechanismSchema>;

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

export const DEFAULT_PROFILE_PATH = 'profiles/default.yaml';

/** Loads and validates a profile; every problem is one line naming the file and the field. */
export function loadProfile(file?: string): Profile {
  const resolved = path.resolve(file ?? path.join(projectRoot(), DEFAULT_PROFILE_PATH));
  let text: string;
  try {
    text = readInputFile(resolved, INPUT_LIMITS.profile);
  } catch (err) {
    if (err instanceof InputFileError) throw new ProfileError(`profile: ${err.message}`);
    throw err;
  }
  return parseProfile(text, resolved);
}

// A profile with thousands of unknown keys gets a line, not a page: the first few are named.
const LISTED_KEYS = 5;

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const named = issue.keys.slice(0, LISTED_KEYS).map((k) => JSON.stringify(k)).join(', ');
  const more = issue.keys.length - LISTED_KEYS;
  return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${named}${more > 0 ? ` … and ${more.toLocaleString('en')} more unknown keys` : ''}`;
}

export function parseProfile(text: string, origin = 'profile'): Profile {
  const size = Buffer.byteLength(text);
  if (size > INPUT_LIMITS.profile) throw new ProfileError(`${origin}: ${size} bytes, the limit for a profile is ${INPUT_LIMITS.profile}`);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ProfileError(`${origin}: not valid YAML (${(err as Error).message})`);
  }
  const result = ProfileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? issue.path.map((p) => String(p)).join('.') : '(top level)';
    const more = result.error.issues.length - 1;
    throw new ProfileError(`${origin}: ${where}: ${describe(issue)}${more > 0 ? ` (and ${more.toLocaleString('en')} more problem${more > 1 ? 's' : ''})` : ''}`.replace(/\s*\n\s*/g, ' '));
  }
  return result.data;
}
