@CPM-MS-AUTH-01
Feature: CPM-MS-AUTH-01 SASL authentication (AUTHENTICATE) to the Message Storage Server
  OMA-TS-CPM_MessageStorage §5.1.2 Authentication (CR-CPM):
  "Two authentication mechanisms as below are defined for IMAPv4 [RFC2595][ RFC3501]. a) SASL (Simple
  Authentication and Security Layer) [RFC2222] and b) Username/Password in plain texts."
  This feature covers mechanism a), AUTHENTICATE with each SASL mechanism the Message Storage Server
  declares (RFC 2222 is obsoleted by RFC 4422, Q8). A defined mechanism, not a SHALL: a mechanism the
  server does not declare is not applicable; one it declares must work, and must not let anyone else in.

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"

  @positive
  Scenario Outline: SASL <mechanism> over TLS authenticates the CPM user
    Given the Message Storage Server declares the SASL mechanism <mechanism>
    When a CPM client authenticates to the Message Storage Server with SASL <mechanism> as "alice"
    Then the Message Storage session is authenticated

    Examples:
      | mechanism     |
      | PLAIN         |
      | LOGIN         |
      | CRAM-MD5      |
      | SCRAM-SHA-256 |

  @positive
  Scenario: SASL EXTERNAL authenticates the CPM client by its certificate
    Given the Message Storage Server declares the SASL mechanism EXTERNAL
    When a CPM client presents its certificate and authenticates to the Message Storage Server with SASL EXTERNAL
    Then the Message Storage session is authenticated

  @negative
  Scenario Outline: SASL <mechanism> with a wrong password is refused
    Given the Message Storage Server declares the SASL mechanism <mechanism>
    When a CPM client authenticates to the Message Storage Server with SASL <mechanism> as "alice" with a wrong password
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

    Examples:
      | mechanism     |
      | PLAIN         |
      | LOGIN         |
      | SCRAM-SHA-256 |

  @negative
  Scenario: A SASL mechanism the Message Storage Server does not support is refused
    When a CPM client authenticates to the Message Storage Server with the unsupported SASL mechanism "ANONYMOUS"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

  @negative
  Scenario: Before TLS no mechanism that exposes the password is offered
    Given the service provider's policy requires TLS on the Message Storage Server
    When a CPM client connects to the Message Storage Server's STARTTLS port
    Then the Message Storage Server offers neither "AUTH=PLAIN" nor "AUTH=LOGIN" before TLS

  @negative
  Scenario: Before TLS a downgrade to PLAIN is refused
    Given the service provider's policy requires TLS on the Message Storage Server
    When a CPM client connects to the Message Storage Server's STARTTLS port
    And the CPM client authenticates by AUTHENTICATE PLAIN as "alice" on that connection
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated
