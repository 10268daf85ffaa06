@EVVM-AUTH-04
Feature: EVVM-AUTH-04 The EVVM Server authenticates the EVVM Client
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "The EVVM Client SHALL authenticate the EVVM Server and vice versa according to [OMA SEC CF]."
  This feature covers the "vice versa": the server grants access only to an authenticated client, by its
  client certificate where the service provider's policy requires one, and by the mailbox credential.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: A client with a valid certificate and the mailbox password gets a session
    Given the service provider's policy requires client certificates on the EVVM Server
    When a test client presents a valid client certificate and logs in as the MSISDN of "alice" with the password of "alice"
    Then the EVVM Server accepted the client certificate
    And the session is authenticated for the mailbox "alice"

  @positive
  Scenario: SASL EXTERNAL authenticates the client by its certificate alone
    Given the EVVM Server declares the SASL mechanism EXTERNAL
    When a test client presents a valid client certificate and authenticates with SASL EXTERNAL
    Then the session is authenticated for the mailbox "alice"

  @negative
  Scenario Outline: A client whose certificate is <flaw> gets no session, even with the right password
    Given the service provider's policy requires client certificates on the EVVM Server
    When a test client presents a client certificate that is <flaw> and logs in as the MSISDN of "alice" with the password of "alice"
    Then the session is not authenticated
    And the EVVM Server recorded why it refused the client certificate

    Examples:
      | flaw                      |
      | missing                   |
      | issued by an untrusted CA |
      | expired                   |
      | revoked                   |

  @negative
  Scenario: SASL ANONYMOUS authenticates nobody
    When a test client presents a valid client certificate and authenticates with the SASL mechanism "ANONYMOUS"
    Then the login is refused
    And the session is not authenticated

  @negative
  Scenario: A wrong password is refused as an invalid password
    When a test client presents a valid client certificate and logs in as the MSISDN of "alice" with a wrong password
    Then the login is refused, with the VVM text "invalid password" as secondary evidence
    And the session is not authenticated

  @negative
  Scenario: A blocked mailbox is refused as a blocked user
    Given the mailbox "carol" is blocked
    When a test client presents a valid client certificate and logs in as the MSISDN of "carol" with the password of "carol"
    Then the login is refused, with the VVM text "user is blocked" as secondary evidence
    And the session is not authenticated
