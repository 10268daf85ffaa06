/**
 * Whose mailbox a session reached (EVVM-AUTH-01..04, STD-02, STD-03 on the EVVM Server; CPM-MS-AUTH-01..06,
 * STD-02, STD-03 on the Message Storage Server). A mailbox is known by its marker: the Message-ID of a
 * message only that account's INBOX holds (seeded by the simulators, declared by a vendor as
 * iut.accounts[].messageId). Any IMAP server shows it through SELECT and FETCH (RFC 9051), so the judgement
 * holds on a vendor's server.
 */
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import type { InboxView } from '../../../simulators/protocol/imap/client/outcome-client';
import { InconclusiveError } from '../../engine/outcomes';
import type { TestAccount } from '../../topology/accounts';
import { condition, judged, type Judgement } from '../condition';

export interface MailboxOwner {
  name: string;
  /** undefined: nobody declared one, so the mailbox cannot be recognised */
  marker?: string;
}

/** A test account's mailbox, known by its voicemail's Message-ID. */
const ownerOf = (a: TestAccount): MailboxOwner => ({ name: a.name, ...(a.voicemail.messageId ? { marker: a.voicemail.messageId } : {}) });

/** What a session showed: whether it logged in, and how (the evidence's words). */
export interface Session {
  loggedIn: boolean;
  how: string;
}

/**
 * The session logged in and reached the mailbox of `own` and of no other account: a login that lands in
 * another account's mailbox fails the requirement under test. `own` undefined: the harness does not know
 * whose mailbox the credential opens (SASL EXTERNAL on a vendor's server), so at most one account's marker
 * may be there. Without a marker for `own` nothing proves whose mailbox opened: inconclusive.
 */
function reachedOwnMailbox(session: Session, view: InboxView, own: MailboxOwner | undefined, accounts: readonly MailboxOwner[], noMarker: (name: string) => string): Judgement {
  if (view.status === 'timeout') throw new InconclusiveError(`no answer to SELECT INBOX in time (${session.how})`);
  const evidence = { uidValidity: view.uidValidity, messageIds: view.messageIds, ...(own?.marker ? { want: own.marker } : {}) };
  if (!session.loggedIn || view.status !== 'OK') return judged(false, '', `${session.how}, SELECT INBOX ${view.status}`, evidence);
  const seen = accounts.filter((a) => a.marker && a.name !== own?.name && view.messageIds.includes(a.marker));
  if (!own) {
    return judged(seen.length <= 1, `${session.how}; the INBOX is ${seen[0] ? `${seen[0].name}'s` : "no test account's"} alone`, `opened several accounts' mailboxes (${seen.map((a) => a.name).join(', ')}'s markers in one session)`, evidence);
  }
  if (seen[0]) return judged(false, '', `opened another mailbox (${seen[0].name}'s marker seen in ${own.name}'s session)`, evidence);
  if (!own.marker) throw new InconclusiveError(`${session.how}, but which mailbox opened cannot be proved: ${noMarker(own.name)}`);
  const mine = view.messageIds.includes(own.marker);
  return judged(mine, `${session.how}; the INBOX holds ${own.name}'s marker and no other account's${view.uidValidity ? ` (UIDVALIDITY ${view.uidValidity})` : ''}`, `opened another mailbox (${own.name}'s marker ${own.marker} is not in it)`, evidence);
}

/** The mailboxes of the EVVM Server's test accounts, as the conditions below take them: `own`'s, everyone's, and why one has no marker. */
export function evvmServerMailboxes(own: TestAccount, accounts: readonly TestAccount[]): [MailboxOwner, MailboxOwner[], (name: string) => string] {
  return [ownerOf(own), accounts.map(ownerOf), (name) => `the profile names no messageId for "${name}" (iut.accounts[].messageId), a voicemail only that mailbox holds`];
}

/** The EVVM Client's retrieval as a session: whether it logged in, and the Message-IDs of what it read. */
export function retrievalSession(r: Retrieval): [Session, InboxView] {
  const got = r.voicemails.flatMap((v) => /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(v.raw.toString('latin1'))?.[1] ?? []);
  const how = r.loggedIn ? `the EVVM Client retrieved ${got.length} voicemail(s)` : `not logged in: ${r.error ?? 'unknown'}`;
  return [{ loggedIn: r.loggedIn, how }, { status: r.loggedIn ? 'OK' : 'closed', messageIds: got }];
}

const mailboxCondition = (name: string, requirements: readonly string[]) => condition(name, requirements, reachedOwnMailbox);

// on the EVVM Server
export const clientReadsOwnVoicemail = mailboxCondition('ClientReadsOwnVoicemail', ['EVVM-AUTH-01', 'EVVM-AUTH-03']);
export const sessionAuthenticatedForMailbox = mailboxCondition('SessionAuthenticatedForMailbox', ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-04', 'STD-03']);
export const sameMailboxByEveryIdentifier = mailboxCondition('SameMailboxByEveryIdentifier', ['EVVM-AUTH-02']);
export const loginAfterTls = mailboxCondition('LoginAfterTls', ['STD-02']);

// on the Message Storage Server
const MESSAGE_STORAGE = ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'STD-02', 'STD-03'];
export const messageStorageSessionAuthenticated = mailboxCondition('MessageStorageSessionAuthenticated', MESSAGE_STORAGE);
export const loginOverTls = mailboxCondition('LoginOverTls', MESSAGE_STORAGE);

/** None of the voicemails served is the one only `other`'s mailbox holds. */
export const mailboxIsolation = condition('MailboxIsolation', ['EVVM-AUTH-01'], (other: TestAccount, served: Retrieval) => {
  const leaked = served.voicemails.some((v) => v.raw.toString('latin1').includes(other.voicemail.messageId));
  return judged(!leaked, `no voicemail of "${other.name}" was served`, `the voicemail of "${other.name}" was served`);
});
