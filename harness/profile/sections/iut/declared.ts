/**
 * What the report and the certification statement say the IUT is: its role, and where it was reached (a
 * client: the implementation's name, and the fixed ports it was told to use). Type-only imports: the
 * report writers and `certify` load it without the profile's schemas.
 */
import type { IutSection } from '../iut';

export interface DeclaredIdentity {
  role: string;
  host: string;
  servername?: string;
  ports: Record<string, number>;
}

const definedPorts = (ports: Record<string, number | undefined>): Record<string, number> =>
  Object.fromEntries(Object.entries(ports).filter((p): p is [string, number] => p[1] !== undefined));

export function declaredIdentity(s: IutSection): DeclaredIdentity {
  if (s.role === 'evvm-client' || s.role === 'evvm-server-sms') return { role: s.role, host: s.implementation, ports: definedPorts(s.listen) };
  return { role: s.role, host: s.host, servername: s.servername ?? s.host, ports: definedPorts(s.ports) };
}
