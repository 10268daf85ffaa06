@VVM-02
Feature: VVM-02 LOGIN or AUTHENTICATE DIGEST-MD5, the client verifying rspauth
  Base VVM behaviour, known from implementations (AOSP ImapConnection; VVM 1.3 "IMAP4 MD5 Authentication
  Example"): authentication by LOGIN or AUTHENTICATE DIGEST-MD5; the client verifies rspauth, the server's proof
  that it knows the password, and a wrong rspauth ends the session. DIGEST-MD5 is historic (RFC 6331): it is
  reported as legacy, tested where declared, and its absence is no failure.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: LOGIN with the mailbox password gets a session
    When a VVM test client logs in as the MSISDN of "alice" with the password of "alice"
    Then the login is accepted

  @positive
  Scenario: AUTHENTICATE DIGEST-MD5 gets a session once the EVVM Server proved the password
    Given the EVVM Server declares the legacy SASL mechanism DIGEST-MD5
    When a VVM test client authenticates with DIGEST-MD5 as the MSISDN of "alice" with the password of "alice"
    Then the EVVM Server proved the password with rspauth and the session is authenticated

  @negative
  Scenario: A wrong password is refused by DIGEST-MD5
    Given the EVVM Server declares the legacy SASL mechanism DIGEST-MD5
    When a VVM test client authenticates with DIGEST-MD5 as the MSISDN of "alice" with a wrong password
    Then DIGEST-MD5 refuses it

  @positive
  Scenario: The EVVM Client configured for DIGEST-MD5 reads its voicemail
    Given the EVVM Client is the one under test
    And the EVVM Server declares the legacy SASL mechanism DIGEST-MD5
    When the EVVM Client configured for DIGEST-MD5 retrieves the voicemail of "alice" from the EVVM Server
    Then the EVVM Client read the voicemail of "alice" by DIGEST-MD5

  @negative
  Scenario: A server that cannot prove the password (a wrong rspauth) gets nothing more from the EVVM Client
    Given the EVVM Client is the one under test
    And an impostor IMAP server holds the EVVM Server's certificate but not the passwords
    When the EVVM Client configured for DIGEST-MD5 retrieves the voicemail of "alice" from the impostor
    Then the EVVM Client ended the session at the wrong rspauth
