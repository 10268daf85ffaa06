/**
 * Every fault switch the simulators implement. A fault makes one simulator violate one requirement;
 * `selftest` turns each on and proves the requirement's scenarios go red (the kill matrix). The
 * catalogue names which faults violate which requirement; a test checks every name it uses is here.
 * Each role reads its own through its faults.ts (a FaultSet, simulators/fault-set.ts).
 */
export const FAULTS = {
  'evvm-server:primary-identifier-only': 'only the first identifier of a mailbox logs in; the others are unknown users',
  'evvm-server:password-any-mailbox': "accepts the password of any mailbox for an identifier",
  'evvm-server:identifiers-not-linked': 'an authenticated session cannot act as the mailbox\'s other identifiers',
  'evvm-server:authzid-unchecked': 'a session may act as any identifier, also of another mailbox',
  'evvm-server:login-survives-logout': 'a client certificate that once logged in is greeted with PREAUTH afterwards',
  'evvm-server:client-cert-not-required': 'clients without a valid certificate get a session although policy requires one',
  'evvm-server:any-client-ca': 'client certificates from any CA, expired or revoked, are accepted',
  'evvm-server:skip-password-check': 'LOGIN and PLAIN accept any password for a known identifier',
  'evvm-server:ignore-blocked': 'a blocked mailbox can log in',
  'evvm-server:no-logindisabled': 'LOGINDISABLED is not advertised before TLS',
  'evvm-server:plaintext-auth-before-tls': 'LOGIN and AUTHENTICATE PLAIN are accepted before TLS',
  'evvm-server:starttls-injection': 'commands pipelined behind STARTTLS are executed after the handshake',
  'evvm-server:accept-legacy-tls': 'TLS 1.0 and TLS 1.1 handshakes complete on the IMAP ports (STD-07)',
  'evvm-server:another-users-mailbox': "a login by any identifier opens another mailbox's INBOX, not the one the identifier belongs to",
  // SMTP interworking (IF-2, IF-6, IF-7, IF-8): the EVVM Server's SMTP interfaces, Forwarding Gateway, Non-OMA VM Service
  'evvm-server:fgw-accept-any-peer': 'the EVVM Server accepts a Forwarding Gateway whatever certificate it presents (none, untrusted, expired, another host), in both directions',
  'evvm-server:nonoma-accept-any-peer': 'the EVVM Server accepts a Non-OMA Standard VM Service whatever certificate it presents, in both directions',
  'evvm-server:peer-skip-server-cert-check': "the EVVM Server relays to a peer EVVM Server without checking the peer's certificate (chain, dates, name)",
  'evvm-server:peer-accept-any-client': 'the EVVM Server accepts a peer EVVM Server connection without a valid client certificate naming the peer',
  'evvm-server:peer-plaintext-fallback': 'the EVVM Server relays in plaintext to a peer that does not offer STARTTLS',
  'evvm-server:peer-accept-plaintext': 'the EVVM Server accepts server-to-server mail without TLS',
  'evvm-server:relay-re-encode': 'the EVVM Server re-encodes the voicemail it relays (re-wraps its base64), breaking its signature',
  'evvm-server:accept-broken-signature': 'the EVVM Server stores relayed voicemail whose signature no longer verifies without flagging it',
  'evvm-server:accept-foreign-domain-injection': 'the EVVM Server accepts interworking mail whose originator domain the sending peer does not serve',
  'evvm-server:open-relay': 'the EVVM Server accepts interworking mail for recipients outside its own domain (open relay)',
  'evvm-server:smtp-plaintext-auth-before-tls': 'the SMTP deposit interface accepts AUTH PLAIN and AUTH LOGIN before STARTTLS',
  'evvm-server:smtp-no-starttls': 'the SMTP deposit interface offers no STARTTLS, so AUTH PLAIN and AUTH LOGIN travel in the clear',
  'evvm-server:smtp-accept-legacy-tls': 'TLS 1.0 and TLS 1.1 handshakes complete on every SMTP interface of the EVVM Server (STD-07)',
  'evvm-server:smtp-offer-legacy-tls': 'the EVVM Server offers TLS 1.0 and TLS 1.1 when it relays over SMTP, and completes such a handshake (STD-07)',
  'forwarding-gateway:accept-without-client-cert': 'the Forwarding Gateway accepts a sender whose client certificate is missing or fails verification',
  'forwarding-gateway:skip-peer-identity-check': 'the Forwarding Gateway accepts a valid client certificate that names another host',
  'forwarding-gateway:re-encode': 'the Forwarding Gateway re-encodes the voicemail it forwards as e-mail, breaking its signature',
  'forwarding-gateway:accept-legacy-tls': 'TLS 1.0 and TLS 1.1 handshakes complete on the Forwarding Gateway (STD-07)',
  'non-oma-vm:accept-without-client-cert': 'the Non-OMA VM Service accepts a sender whose client certificate is missing, fails verification or names another host',
  'non-oma-vm:skip-server-cert-check': "the Non-OMA VM Service delivers voicemail without checking the receiving server's certificate",
  'non-oma-vm:accept-legacy-tls': 'TLS 1.0 and TLS 1.1 handshakes complete on the Non-OMA VM Service (STD-07)',
  'non-oma-vm:offer-legacy-tls': 'the Non-OMA VM Service offers TLS 1.0 and TLS 1.1 when it sends to the EVVM Server (STD-07)',
  'evvm-client:skip-server-cert-check': 'the EVVM Client does not verify the server certificate chain or validity',
  'evvm-client:skip-hostname-check': "the EVVM Client does not check the server certificate's host name",
  'evvm-client:opportunistic-starttls': 'the EVVM Client goes on in plaintext when STARTTLS is not offered',
  'evvm-client:ignore-logindisabled': 'the EVVM Client sends LOGIN although the server advertises LOGINDISABLED',
  'evvm-client:offer-legacy-tls': 'the EVVM Client offers TLS 1.0 and TLS 1.1 and completes such a handshake (STD-07)',
  // Practice (PRAC-02, PRAC-03): a hostile IMAP server, capability blacklisting
  'evvm-client:unbounded-literals': 'the EVVM Client reads an IMAP literal of any announced size (up to 1 GiB) instead of refusing one beyond its bound',
  'evvm-client:no-session-deadline': 'the EVVM Client has no deadline for a whole IMAP session: a server that drips or never finishes holds it',
  'evvm-client:keep-partial-state': 'the EVVM Client keeps the voicemails it fetched before the session failed',
  'evvm-client:silent-capability-blacklist': 'the EVVM Client applies a configured capability blacklist (STARTTLS, DIGEST-MD5) silently: no downgrade reported, plaintext where STARTTLS is disabled',
  // SMS notifications (EVVM-SMS-C01..C09, candidates): simulators/smsc, evvm-server/notifications, evvm-client/sms
  'evvm-client:sms-server-name-from-status': 'the EVVM Client checks the IMAP server certificate against the host a STATUS SMS names, not the provisioned EVVM Server',
  'evvm-client:accept-any-originator': 'the EVVM Client treats an SMS from any originator as a VVM notification',
  'evvm-client:ignore-port': 'the EVVM Client accepts notifications as text SMS or on any application port',
  'evvm-client:lax-sms-parser': 'the EVVM Client parses notifications laxly (any prefix variant, last duplicate wins, no lengths, parseInt ports)',
  'evvm-client:sms-creates-state': 'the EVVM Client creates voicemail entries from a SYNC notification before (and beyond) what IMAP shows',
  'evvm-server:status-credentials-for-blocked': 'the EVVM Server puts u and pw in the STATUS SMS of a blocked subscriber',
  'evvm-server:sync-after-deactivate': 'the EVVM Server keeps sending SYNC notifications after Deactivate',
  'evvm-server:loose-msisdn-match': 'the EVVM Server matches an MO command to a subscriber by the last seven digits of the originator',
  'evvm-server:smpp-bind-in-clear': 'the EVVM Server binds to the SMSC over plain TCP although policy requires TLS',
  'evvm-server:smpp-offer-legacy-tls': 'the EVVM Server offers TLS 1.0 and TLS 1.1 when it binds to the SMSC over TLS (STD-07)',
  'smsc:trust-source-addr': 'the SMSC passes on the source_addr an ESME claims instead of the address the network assigned',
  'smsc:bind-without-password': 'the SMSC binds a known system_id with any password',
  'smsc:submit-before-bind': 'the SMSC routes submit_sm from a session that has not bound',
  'smsc:accept-legacy-tls': 'TLS 1.0 and TLS 1.1 handshakes complete on SMPP over TLS (STD-07)',
  'smsc:truncate-long-fields': 'the SMSC cuts an over-long C-Octet String (system_id, password, …) to its field size instead of refusing it (PRAC-04)',
  // Message Storage Server (CPM MS, IF-5) and the EVVM Server as its IMAP client (simulators/message-storage/)
  'message-storage:sasl-skip-password-check': 'SASL PLAIN and LOGIN accept any password for a known user',
  'message-storage:sasl-downgrade': 'accepts SASL PLAIN and LOGIN on a channel where it offers no mechanism that exposes the password (before TLS)',
  'message-storage:login-skip-password-check': 'the LOGIN command accepts any password for a known user',
  'message-storage:accept-tui-pin': "the user's TUI PIN works as the Message Storage password",
  'message-storage:accept-sip-credentials': "the user's SIP URI and SIP password log in to the Message Storage Server",
  'message-storage:no-preconfigured-password': 'subscribing a user pre-configures no working password',
  'message-storage:shared-preconfigured-password': 'every subscriber gets the same pre-configured password',
  'message-storage:plaintext-login-before-tls': 'LOGIN is accepted before TLS although the policy requires TLS',
  'message-storage:advertise-no-logindisabled': 'LOGINDISABLED is not advertised before TLS (LOGIN is still refused)',
  'message-storage:starttls-injection': 'commands pipelined behind STARTTLS are executed after the handshake',
  'message-storage:client-cert-not-required': 'clients without a valid certificate get a session although policy requires one',
  'message-storage:any-client-ca': 'client certificates from any CA are accepted',
  'message-storage:accept-unknown-psk': 'an unknown PSK identity is served with the key of a provisioned one',
  'message-storage:accept-legacy-tls': 'TLS 1.0 and TLS 1.1 handshakes complete, PSK-TLS included (STD-07)',
  'message-storage:another-users-mailbox': "a successful LOGIN or AUTHENTICATE opens another subscriber's INBOX, not the authenticated user's",
  'evvm-server:mss-skip-server-cert-check': "the EVVM Server does not verify the Message Storage Server's certificate",
  'evvm-server:mss-no-client-certificate': 'the EVVM Server presents no client certificate to the Message Storage Server',
  'evvm-server:mss-offer-legacy-tls': 'the EVVM Server offers TLS 1.0 and TLS 1.1 to the Message Storage Server (STD-07)',
  // Security of voicemail contents (EVVM-CONT-01..04): simulators/evvm-server/content, simulators/evvm-client/content
  'evvm-server:store-cleartext': 'the EVVM Server stores voicemails unencrypted although the policy asks for encryption',
  'evvm-server:encrypt-to-wrong-recipient': "the EVVM Server encrypts a voicemail for another mailbox's device instead of the owner's",
  'evvm-server:encrypt-to-extra-recipient': "the EVVM Server also encrypts a voicemail for another mailbox's device",
  'evvm-server:skip-part-encryption': 'in per-part mode the EVVM Server leaves the audio part unencrypted',
  'evvm-server:skip-signing': 'the EVVM Server stores voicemails of callers without a key unsigned',
  'evvm-server:mac-instead-of-signature': 'the EVVM Server protects voicemails with a MAC (AuthenticatedData) instead of a signature',
  'evvm-server:no-signing-time': 'the EVVM Server signs voicemails without a signing time',
  'evvm-client:accept-cleartext': 'the EVVM Client plays voicemail (or parts) in clear although the policy requires encryption',
  'evvm-client:skip-integrity-check': 'the EVVM Client ignores a failed GCM tag, MAC or message digest',
  'evvm-client:skip-header-check': 'the EVVM Client does not compare the signed header fields with the message headers',
  'evvm-client:accept-unsigned': 'the EVVM Client plays unsigned voicemail although the policy requires signatures',
  'evvm-client:accept-mac-as-signature': 'the EVVM Client takes a valid MAC as proof of origin',
  'evvm-client:skip-signer-identity-check': 'the EVVM Client accepts a signature by a certificate of any identity',
  'evvm-client:skip-chain-check': 'the EVVM Client accepts a signer certificate that does not chain to a trust anchor',
  'evvm-client:skip-validity-check': 'the EVVM Client ignores the validity dates of the signer certificate',
  'evvm-client:skip-revocation-check': 'the EVVM Client does not check the signer certificate against CRLs',
  'evvm-client:skip-key-usage-check': 'the EVVM Client accepts signer certificates without S/MIME signing or nonRepudiation usage',
} as const satisfies Record<string, string>;

export type FaultName = keyof typeof FAULTS;

/** The fault names of one role, e.g. faultsOf('evvm-server'). */
export function faultsOf<R extends string>(role: R): Array<Extract<FaultName, `${R}:${string}`>> {
  return (Object.keys(FAULTS) as FaultName[]).filter((f): f is Extract<FaultName, `${R}:${string}`> => f.startsWith(role + ':'));
}

export function isKnownFault(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FAULTS, name);
}
