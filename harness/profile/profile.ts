import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectRoot } from '../paths';
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
    text = readFileSync(resolved, 'utf8');
  } catch (err) {
    throw new ProfileError(`profile ${resolved}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseProfile(text, resolved);
}

export function parseProfile(text: string, origin = 'profile'): Profile {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new ProfileError(`${origin}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const result = ProfileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new ProfileError(`${origin}: ${where}: ${issue.message}`);
  }
  return result.data;
}
