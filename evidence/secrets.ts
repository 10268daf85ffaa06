/**
 * Every secret a run handles (passwords, PSKs, key PEMs), registered where it is created. The report
 * writer scrubs them from all output as the last line of defence, and checks none survived.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | Buffer | undefined): void {
  if (value === undefined) return;
  const s = Buffer.isBuffer(value) ? value.toString('hex') : value;
  if (s.length >= 6) secrets.add(s);
}

export function runSecrets(): readonly string[] {
  return [...secrets];
}
