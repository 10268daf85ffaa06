@EVVM-AUTH-02
Feature: EVVM-AUTH-02 Once one identifier is authenticated, all the mailbox's other identifiers are too
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "Once one of his/her identifiers is authenticated, all the other associated identifiers SHALL be
  considered as authenticated."

  What decides it on any IMAP server: logged in by any identifier, the session reaches the same mailbox
  (the same voicemail, the same UIDVALIDITY) and no other. The spec defines no way of acting as another
  identifier within one session; two ways are tested where the EVVM Server declares them
  (capabilities.evvmServer): a SASL authorization identity (RFC 4422 §3.4.1) naming another identifier,
  and the mailbox addressed by that identifier ("#id/<identifier>/INBOX").

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: Logged in by any of its identifiers, the session reaches the same mailbox and no other
    When a test client logs in by each identifier of "alice" with the password of "alice"
    Then every one of those sessions reached the mailbox of "alice", with the same UIDVALIDITY

  @positive
  Scenario Outline: Authenticated by the MSISDN, the session acts as the <kind> without new credentials
    Given the EVVM Server declares SASL authorization identities for the identifiers of a mailbox
    When a test client authenticates with SASL PLAIN as the MSISDN of "alice" acting as the <kind> of "alice"
    Then the session is authenticated for the mailbox "alice"

    Examples:
      | kind         |
      | SIP URI      |
      | e-mail alias |

  @positive
  Scenario: Logged in by the MSISDN, the session opens the mailbox by every other identifier
    Given the EVVM Server declares the mailbox namespace of identifiers
    When a test client logs in as the MSISDN of "alice" with the password of "alice"
    Then the session opens the mailbox of "alice" by each of its identifiers

  @negative
  Scenario: Authenticated for one mailbox, the session cannot act as an identifier of another mailbox
    Given the EVVM Server declares SASL authorization identities for the identifiers of a mailbox
    When a test client authenticates with SASL PLAIN as the MSISDN of "alice" acting as the SIP URI of "bob"
    Then the login is refused
    And the session is not authenticated

  @negative
  Scenario: Logged in to one mailbox, the session cannot open another mailbox by its identifier
    Given the EVVM Server declares the mailbox namespace of identifiers
    When a test client logs in as the MSISDN of "alice" with the password of "alice"
    Then the session cannot open the mailbox of "bob" by any of its identifiers

  @negative
  Scenario: After logout no identifier of the mailbox is authenticated any more
    Given a test client presenting the EVVM Client certificate has logged in as the MSISDN of "alice" and logged out
    When it connects again with the same certificate and no credentials
    Then the session is not authenticated
