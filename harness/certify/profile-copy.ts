/**
 * The profile as the bundle carries it: the vendor's own file, comments and all, with every secret it may
 * hold inline (account passwords, TUI PINs, SIP passwords, the PSK) replaced by the redaction marker, and
 * then scrubbed of every secret the run knows. Environment variable names stay: they are not secrets.
 */
import { isMap, isSeq } from 'yaml';
import { REDACTED, SecretMatcher } from '../../evidence/redact';
import { yamlDocument } from '../input';

const ACCOUNT_SECRETS = ['password', 'tuiPin', 'sipPassword'] as const;

export function profileWithoutSecrets(text: string, secrets: readonly string[]): string {
  const doc = yamlDocument(text);
  if (doc.hasIn(['iut', 'psk', 'key'])) doc.setIn(['iut', 'psk', 'key'], REDACTED);
  const accounts = doc.getIn(['iut', 'accounts']);
  if (isSeq(accounts)) {
    accounts.items.forEach((account, i) => {
      if (!isMap(account)) return;
      for (const field of ACCOUNT_SECRETS) if (account.has(field)) doc.setIn(['iut', 'accounts', i, field], REDACTED);
    });
  }
  return new SecretMatcher(secrets).redact(doc.toString());
}
