@VVM-01
Feature: VVM-01 The IMAP NO texts of authentication outcomes
  Base VVM behaviour, known from implementations (AOSP and Orange ImapConstants), not VVM 1.3 text: IMAP NO
  texts for authentication outcomes (unknown user, invalid password, user is blocked, …). The refusal itself
  is EVVM-AUTH-01/04's and is judged there; the exact text is secondary evidence, so a server that refuses
  correctly with another text gets a warning here, never a failure of EVVM-AUTH-01/04.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: The right password of an active mailbox gets no refusal
    When a VVM test client logs in as the MSISDN of "alice" with the password of "alice"
    Then the login is accepted

  @negative
  Scenario: A wrong password is refused as an invalid password
    When a VVM test client logs in as the MSISDN of "alice" with a wrong password
    Then the login is refused with the VVM text "invalid password"

  @negative
  Scenario: An identifier of no mailbox is refused as an unknown user
    When a VVM test client logs in as the unassociated identifier "tel:+15559999" with the password of "alice"
    Then the login is refused with the VVM text "unknown user"

  @negative
  Scenario: A blocked mailbox is refused as a blocked user
    Given the mailbox "carol" is provisioned as blocked
    When a VVM test client logs in as the MSISDN of "carol" with the password of "carol"
    Then the login is refused with the VVM text "user is blocked"
