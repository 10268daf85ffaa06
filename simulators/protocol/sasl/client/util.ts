import type { MechanismName, SaslClientCredentials } from '../types';
import { SaslClientError } from './errors';

export function requirePassword(credentials: SaslClientCredentials, mechanism: MechanismName): string {
  if (credentials.password === undefined) throw new SaslClientError('MISSING_PASSWORD', `${mechanism} needs a password`);
  return credentials.password;
}
