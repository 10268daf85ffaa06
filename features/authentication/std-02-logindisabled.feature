@STD-02
Feature: STD-02 LOGINDISABLED on unencrypted connections, and clients honour it
  RFC 2595 §3.2: "An IMAP server which implements STARTTLS MUST implement support for the LOGINDISABLED
  capability on unencrypted connections", and a complying client "MUST NOT issue the LOGIN command if
  this capability is present."

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: Before TLS the EVVM Server advertises LOGINDISABLED, after STARTTLS it does not
    When a test client connects to the EVVM Server's STARTTLS port
    And the test client upgrades with STARTTLS
    Then the capabilities before TLS include "STARTTLS" and "LOGINDISABLED"
    And the capabilities after TLS do not include "LOGINDISABLED"
    And the test client can log in as the MSISDN of "alice" with the password of "alice"

  @negative
  Scenario: The EVVM Client does not issue LOGIN to a server that advertises LOGINDISABLED
    Given a man in the middle strips STARTTLS but passes LOGINDISABLED between the EVVM Client and the EVVM Server
    When the EVVM Client retrieves the voicemail of "alice" through the man in the middle
    Then no LOGIN command crossed the man in the middle
