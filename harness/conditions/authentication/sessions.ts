/** What the harness's test client got from the EVVM Server (EVVM-AUTH-01, EVVM-AUTH-02, EVVM-AUTH-04, STD-03). */
import type { InboxView } from '../../../simulators/protocol/imap/client/outcome-client';
import type { LoginAttempt } from '../../equipment/test-client';
import type { TestAccount } from '../../topology/accounts';
import { condition, judged } from '../condition';

const REFUSALS = ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-04', 'STD-03'];

/** The refusal decides; its exact text is VVM-01's secondary evidence (AOSP, not a SHALL): a line noting a different one, for VVM-01. */
export const vvmRefusalText = (l: LoginAttempt, expected: string): string | undefined =>
  l.status !== 'OK' && l.text !== expected ? `VVM-01 (secondary evidence, not judged here): the refusal text is "${l.text}", VVM clients expect "${expected}"` : undefined;

export const loginRefused = condition('LoginRefused', REFUSALS, (l: LoginAttempt) => {
  const answer = `the server answered ${l.status} "${l.text}"`;
  return judged(l.status !== 'OK', answer, answer);
});

/** What a session shows of being authenticated: a PREAUTH greeting, or a mailbox it can open. */
export interface SessionState {
  greeting?: string;
  selected: string;
  connectError?: string;
}

export const noAuthenticatedSession = condition('NoAuthenticatedSession', REFUSALS, (s: SessionState) => {
  const seen = `greeting ${s.greeting ?? 'none'}, SELECT INBOX answered ${s.selected}`;
  return judged(!(s.greeting === 'PREAUTH' || s.selected === 'OK'), seen, seen, { connectError: s.connectError });
});

export const loginBeforeLogout = condition('LoginBeforeLogout', ['EVVM-AUTH-02'], (l: LoginAttempt) => {
  const answer = `login answered ${l.status} ${l.text}`;
  return judged(l.status === 'OK', answer, answer);
});

export const blockedTestAccount = condition('BlockedTestAccount', ['EVVM-AUTH-04', 'EVVM-SMS-C05'], (a: TestAccount) => {
  const provisioned = `the test account "${a.name}" is provisioned blocked`;
  return judged(a.blocked, provisioned, provisioned);
});

/** UIDVALIDITY is optional in a SELECT answer: compared where given (RFC 9051 §7.1). */
export const sameUidValidityByEveryIdentifier = condition('SameUidValidityByEveryIdentifier', ['EVVM-AUTH-02'], (sessions: ReadonlyArray<{ identifier: string; view: InboxView }>) => {
  const validities = new Set(sessions.flatMap((s) => s.view.uidValidity ?? []));
  const seen = `UIDVALIDITY by identifier: ${sessions.map((s) => `${s.identifier}=${s.view.uidValidity ?? 'not given'}`).join(', ')}`;
  return judged(validities.size <= 1, seen, seen);
});

/** A mailbox opened by an identifier in the namespace of identifiers ("#id/<identifier>/INBOX"). */
export interface OpenedByIdentifier {
  identifier: string;
  selected: string;
  messageIds: string[];
}

export const otherIdentifierAuthenticated = condition('OtherIdentifierAuthenticated', ['EVVM-AUTH-02'], (o: OpenedByIdentifier, account: TestAccount) => {
  const seen = `SELECT "#id/${o.identifier}/INBOX" answered ${o.selected}`;
  return judged(o.messageIds.includes(account.voicemail.messageId), seen, seen, { identifier: o.identifier, got: o.messageIds });
});

export const foreignIdentifierNotAuthenticated = condition('ForeignIdentifierNotAuthenticated', ['EVVM-AUTH-02'], (o: Omit<OpenedByIdentifier, 'messageIds'>) => {
  const seen = `SELECT "#id/${o.identifier}/INBOX" answered ${o.selected}`;
  return judged(o.selected !== 'OK', seen, seen, { identifier: o.identifier });
});
