import type { EvvmWorld } from '../world';
import { InconclusiveError } from '../../harness/engine/outcomes';
import type { InboxView } from '../../simulators/protocol/imap/client/outcome-client';

/**
 * Whose mailbox a session reached. A mailbox is known by its marker: the Message-ID of a message only that
 * account's INBOX holds (seeded by the simulators, declared by a vendor as iut.accounts[].messageId). Any
 * IMAP server shows it through SELECT and FETCH (RFC 9051), so the judgement holds on a vendor's server.
 */
export interface MailboxOwner {
  name: string;
  /** undefined: nobody declared one, so the mailbox cannot be recognised */
  marker?: string;
}

/**
 * Checks that a session logged in and reached the mailbox of `own` and of no other account: a login that
 * lands in another account's mailbox fails the requirement under test. `own` undefined: the harness does
 * not know whose mailbox the credential opens (SASL EXTERNAL on a vendor's server), so at most one account's
 * marker may be there. Without a marker for `own` nothing proves whose mailbox opened: inconclusive.
 */
export function checkMailbox(
  w: EvvmWorld,
  condition: string,
  session: { loggedIn: boolean; how: string },
  view: InboxView,
  own: MailboxOwner | undefined,
  accounts: readonly MailboxOwner[],
  noMarker: (name: string) => string,
): void {
  if (view.status === 'timeout') throw new InconclusiveError(`no answer to SELECT INBOX in time (${session.how})`);
  const evidence = { uidValidity: view.uidValidity, messageIds: view.messageIds, ...(own?.marker ? { want: own.marker } : {}) };
  if (!session.loggedIn || view.status !== 'OK') return w.check(condition, false, `${session.how}, SELECT INBOX ${view.status}`, evidence);
  const seen = accounts.filter((a) => a.marker && a.name !== own?.name && view.messageIds.includes(a.marker));
  if (!own) {
    const ok = seen.length <= 1;
    return w.check(condition, ok, ok ? `${session.how}; the INBOX is ${seen[0] ? `${seen[0].name}'s` : 'no test account\'s'} alone` : `opened several accounts' mailboxes (${seen.map((a) => a.name).join(', ')}'s markers in one session)`, evidence);
  }
  if (seen[0]) return w.check(condition, false, `opened another mailbox (${seen[0].name}'s marker seen in ${own.name}'s session)`, evidence);
  if (!own.marker) throw new InconclusiveError(`${session.how}, but which mailbox opened cannot be proved: ${noMarker(own.name)}`);
  const mine = view.messageIds.includes(own.marker);
  return w.check(condition, mine, mine ? `${session.how}; the INBOX holds ${own.name}'s marker and no other account's${view.uidValidity ? ` (UIDVALIDITY ${view.uidValidity})` : ''}` : `opened another mailbox (${own.name}'s marker ${own.marker} is not in it)`, evidence);
}
