/**
 * The names a capability goes by in the declaration check: the observers (what was seen) and the steps
 * that gate scenarios on a declaration (harness/conditions/declaration) must name it alike.
 */
export const capabilityName = {
  sasl: (mechanism: string): string => `SASL ${mechanism}`,
  loginCommand: 'the LOGIN command',
  pskTls: (version: string): string => `PSK-TLS on ${version}`,
  transport: (transport: 'implicit-tls' | 'starttls'): string => (transport === 'starttls' ? 'STARTTLS' : 'implicit TLS'),
  clientCertificateRequired: 'a client certificate required',
  relayDomain: (domain: string): string => `relaying for ${domain}`,
  smppTls: 'SMPP over TLS',
  plainBindRefused: 'no plaintext bind for the EVVM Server',
} as const;
