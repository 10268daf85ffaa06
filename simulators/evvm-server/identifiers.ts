/**
 * Identifier matching for EVVM mailboxes (EVVM-AUTH-01): MSISDN as tel: URI, SIP URI, e-mail alias.
 * Matching is exact except where the standards make a part case-insensitive or ignorable:
 * URI schemes (RFC 3986 §3.1), host names and e-mail domains (RFC 5321 §2.4, RFC 3261 §19.1.4),
 * and visual separators in tel: numbers (RFC 3966 §5.1.1). User parts stay case-sensitive.
 */

function lowerHost(userAtHost: string): string {
  const at = userAtHost.lastIndexOf('@');
  if (at < 0) return userAtHost;
  return userAtHost.slice(0, at + 1) + userAtHost.slice(at + 1).toLowerCase();
}

/** The canonical form two identifiers are compared in. */
export function normalizeIdentifier(id: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(id);
  if (!m) return id.includes('@') ? lowerHost(id) : id;
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  switch (scheme) {
    case 'tel': {
      const semi = rest.indexOf(';');
      const number = (semi < 0 ? rest : rest.slice(0, semi)).replace(/[-.()]/g, '');
      return `tel:${number}${semi < 0 ? '' : rest.slice(semi)}`;
    }
    case 'sip':
    case 'sips': {
      const semi = rest.indexOf(';');
      const addr = semi < 0 ? rest : rest.slice(0, semi);
      return `${scheme}:${lowerHost(addr)}${semi < 0 ? '' : rest.slice(semi)}`;
    }
    case 'mailto':
      return `mailto:${lowerHost(rest)}`;
    default:
      return `${scheme}:${rest}`;
  }
}

export function sameIdentifier(a: string, b: string): boolean {
  return normalizeIdentifier(a) === normalizeIdentifier(b);
}

/** Values of a Node subjectAltName string ("DNS:a, URI:tel:+1555, email:x@y") without their type prefix. */
export function subjectAltNameValues(san: string | undefined): string[] {
  if (!san) return [];
  return san
    .split(/, (?=[A-Za-z ]+:)/)
    .map((entry) => {
      const i = entry.indexOf(':');
      const v = i < 0 ? entry : entry.slice(i + 1);
      return v.replace(/^"(.*)"$/, '$1');
    })
    .filter((v) => v !== '');
}
