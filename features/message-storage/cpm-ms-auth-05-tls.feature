@CPM-MS-AUTH-05
Feature: CPM-MS-AUTH-05 TLS, optional and complementary to SASL or clear-text login
  OMA-TS-CPM_MessageStorage §5.1.2 Authentication (CR-CPM):
  "TLS/PSK-TLS (Transport Layer Security) [RFC2246][OMA SEC_CF1.0] is optional and complementary to simple
  authentication-only SASL mechanisms or deployed clear-text password login commands. In this way, IMAPv4
  can be immune to eavesdropping and hijacking attacks."
  The TLS (certificate) case, TLS 1.2 or later (RFC 2246 is obsolete, Q8); PSK-TLS is CPM-MS-AUTH-06.
  The client authenticates the server by its certificate; when the service provider's policy requires
  client certificates, TLS authenticates the client too (SEC_CF), and when it requires TLS, nothing
  authenticates on the clear channel (with STD-02, STD-03).

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"

  @positive
  Scenario Outline: Over <transport> the CPM client authenticates the Message Storage Server, then logs in
    When a CPM client connects to the Message Storage Server over <transport>
    Then the CPM client authenticated the Message Storage Server's certificate
    And the CPM client can then log in as "alice"

    Examples:
      | transport    |
      | implicit TLS |
      | STARTTLS     |

  @negative
  Scenario Outline: With client certificates required, a CPM client whose certificate is <flaw> gets no session
    Given the service provider's policy requires client certificates on the Message Storage Server
    When a CPM client presenting a client certificate that is <flaw> logs in to the Message Storage Server as "alice"
    Then the Message Storage session is not authenticated

    Examples:
      | flaw                      |
      | missing                   |
      | issued by an untrusted CA |

  @negative
  Scenario: With TLS required, LOGIN on the clear channel is refused
    Given the service provider's policy requires TLS on the Message Storage Server
    When a CPM client connects to the Message Storage Server's STARTTLS port
    And the CPM client authenticates by LOGIN as "alice" on that connection
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated
