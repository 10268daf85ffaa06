@CPM-MS-AUTH-06
Feature: CPM-MS-AUTH-06 PSK-TLS, optional and complementary to SASL or clear-text login
  OMA-TS-CPM_MessageStorage §5.1.2 Authentication (CR-CPM):
  "TLS/PSK-TLS (Transport Layer Security) [RFC2246][OMA SEC_CF1.0] is optional and complementary to simple
  authentication-only SASL mechanisms or deployed clear-text password login commands. In this way, IMAPv4
  can be immune to eavesdropping and hijacking attacks."
  The PSK-TLS case: RFC 4279 cipher suites on TLS 1.2, an external PSK on TLS 1.3 (STD-06 [P]), with an
  identity and key the Message Storage Server provisioned and handed out of band. The PSK authenticates
  both ends; login still follows ("complementary").

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"

  @positive
  Scenario Outline: Over PSK-TLS on <version> with the provisioned identity, the CPM client then logs in
    Given the Message Storage Server declares PSK-TLS on <version>
    When a CPM client connects to the Message Storage Server over PSK-TLS on <version> with the provisioned identity and key
    Then the PSK-TLS handshake authenticated both ends
    And the CPM client can then log in as "alice"

    Examples:
      | version |
      | TLSv1.2 |
      | TLSv1.3 |

  @negative
  Scenario Outline: An identity the Message Storage Server never provisioned gets no PSK-TLS session on <version>
    Given the Message Storage Server declares PSK-TLS on <version>
    When a CPM client connects to the Message Storage Server over PSK-TLS on <version> with an unknown identity and the provisioned key
    Then no PSK-TLS session is established
    And the Message Storage session is not authenticated

    Examples:
      | version |
      | TLSv1.2 |
      | TLSv1.3 |

  @negative
  Scenario Outline: The provisioned identity with a wrong key gets no PSK-TLS session on <version>
    Given the Message Storage Server declares PSK-TLS on <version>
    When a CPM client connects to the Message Storage Server over PSK-TLS on <version> with the provisioned identity and a wrong key
    Then no PSK-TLS session is established
    And the Message Storage session is not authenticated

    Examples:
      | version |
      | TLSv1.2 |
      | TLSv1.3 |
