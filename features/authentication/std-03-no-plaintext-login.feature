@STD-03
Feature: STD-03 No LOGIN and no plaintext SASL mechanism before TLS
  RFC 3501 §7.2.1: "An IMAP client MUST NOT issue the LOGIN command if the server advertises the
  LOGINDISABLED capability." RFC 9051 §6.2.2: "a server implementation MUST implement a configuration in
  which it does NOT permit any plaintext password mechanisms, unless the STARTTLS command has been
  negotiated, TLS has been negotiated on an Implicit TLS port, or some other mechanism that protects the
  session from password snooping has been provided."

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario Outline: After STARTTLS the EVVM Server accepts <method>
    When a test client connects to the EVVM Server's STARTTLS port
    And the test client upgrades with STARTTLS
    And the test client authenticates by <method> as the MSISDN of "alice" with the password of "alice"
    Then the session is authenticated for the mailbox "alice"

    Examples:
      | method               |
      | LOGIN                |
      | AUTHENTICATE PLAIN   |

  @negative
  Scenario Outline: Before TLS the EVVM Server refuses <method> and authenticates nobody
    When a test client connects to the EVVM Server's STARTTLS port
    And the test client authenticates by <method> as the MSISDN of "alice" with the password of "alice"
    Then the login is refused
    And the session is not authenticated

    Examples:
      | method               |
      | LOGIN                |
      | AUTHENTICATE PLAIN   |

  @negative
  Scenario: Commands pipelined after STARTTLS, before the handshake, are not executed after it
    When a test client connects to the EVVM Server's STARTTLS port
    And the test client pipelines a LOGIN as the MSISDN of "alice" right behind STARTTLS
    Then the pipelined command was not executed inside TLS
    And the session is not authenticated
