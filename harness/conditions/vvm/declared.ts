/** What the EVVM Server declares of the VVM extensions, as reasons a VVM scenario does not apply. */
import type { Profile } from '../../profile/profile';

export const xchangeTuiPwdNotDeclared = (profile: Profile): string | undefined =>
  profile.capabilities.evvmServer.xchangeTuiPwd ? undefined : 'the EVVM Server declares no XCHANGE_TUI_PWD with a pw_len range (capabilities.evvmServer.xchangeTuiPwd)';

/**
 * A check of the EVVM Client applies to the EVVM Client the harness tests: when a vendor's EVVM Server is the
 * implementation under test, the EVVM Client is the harness's own and its behaviour says nothing about the IUT.
 */
export const evvmClientNotUnderTest = (profile: Profile): string | undefined =>
  profile.iut?.role === 'evvm-server' ? "the EVVM Server is the implementation under test: the EVVM Client is the harness's own, whose behaviour says nothing about the IUT" : undefined;

export const starttlsNotDeclared = (profile: Profile): string | undefined =>
  profile.capabilities.evvmServer.transports.includes('starttls') ? undefined : 'the EVVM Server declares no STARTTLS (capabilities.evvmServer.transports): implicit TLS only';

export const bothTransportsNotDeclared = (profile: Profile): string | undefined =>
  ['implicit-tls', 'starttls'].every((t) => profile.capabilities.evvmServer.transports.includes(t as 'starttls')) ? undefined : 'the EVVM Server does not declare both implicit TLS and STARTTLS (capabilities.evvmServer.transports): there is no choice to make';
