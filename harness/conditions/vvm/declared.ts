/** What the EVVM Server declares of the VVM extensions, as reasons a VVM scenario does not apply. */
import type { Profile } from '../../profile/profile';

export const xchangeTuiPwdNotDeclared = (profile: Profile): string | undefined =>
  profile.capabilities.evvmServer.xchangeTuiPwd ? undefined : 'the EVVM Server declares no XCHANGE_TUI_PWD with a pw_len range (capabilities.evvmServer.xchangeTuiPwd)';
