@STD-03
Feature: STD-03 No LOGIN and no plaintext SASL mechanism before TLS on the Message Storage Server
  RFC 3501 §7.2.1: "An IMAP client MUST NOT issue the LOGIN command if the server advertises the
  LOGINDISABLED capability." RFC 9051 §6.2.2: "a server implementation MUST implement a configuration in
  which it does NOT permit any plaintext password mechanisms, unless the STARTTLS command has been
  negotiated, TLS has been negotiated on an Implicit TLS port, or some other mechanism that protects the
  session from password snooping has been provided."
  The Message Storage Server's side (IF-5), when the service provider requires TLS.

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"
    And the service provider's policy requires TLS on the Message Storage Server

  @positive
  Scenario Outline: After STARTTLS the Message Storage Server accepts <method>
    When a CPM client connects to the Message Storage Server's STARTTLS port
    And the CPM client upgrades with STARTTLS
    And the CPM client authenticates by <method> as "alice" on that connection
    Then the Message Storage session is authenticated

    Examples:
      | method             |
      | LOGIN              |
      | AUTHENTICATE PLAIN |

  @negative
  Scenario Outline: Before TLS the Message Storage Server refuses <method> and authenticates nobody
    When a CPM client connects to the Message Storage Server's STARTTLS port
    And the CPM client authenticates by <method> as "alice" on that connection
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

    Examples:
      | method             |
      | LOGIN              |
      | AUTHENTICATE PLAIN |

  @negative
  Scenario: Commands pipelined behind STARTTLS, before the handshake, are not executed after it
    When a CPM client connects to the Message Storage Server's STARTTLS port
    And the CPM client pipelines a LOGIN as "alice" right behind STARTTLS
    Then the pipelined LOGIN was not executed inside TLS
    And the Message Storage session is not authenticated
