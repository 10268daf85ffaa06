@STD-06
Feature: STD-06 TLS-PSK (RFC 4279), and GBA shared-key TLS
  RFC 4279 (paraphrased [P]; its text has not been checked): TLS cipher suites authenticated by a key shared in
  advance, the client naming a PSK identity; SEC_CF profiles it beside GBA shared-key TLS (3GPP TS 33.220 /
  33.222). Tested on the Message Storage Server's PSK-TLS interface (IF-5, where CPM-MS-AUTH-06 makes it
  optional) where it is declared: RFC 4279 suites on TLS 1.2, an external PSK on TLS 1.3. GBA is reported as
  not testable here.

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"

  @positive
  Scenario Outline: The provisioned identity and key give a PSK handshake on <version>, without certificates
    Given the Message Storage Server declares PSK-TLS on <version>
    When a CPM client connects to the Message Storage Server over PSK-TLS on <version> with the provisioned identity and key
    Then the handshake on <version> was authenticated by the pre-shared key alone

    Examples:
      | version |
      | TLSv1.2 |
      | TLSv1.3 |

  @negative
  Scenario Outline: Without the provisioned identity and key there is no PSK session on <version>: <offer>
    Given the Message Storage Server declares PSK-TLS on <version>
    When a CPM client connects to the Message Storage Server over PSK-TLS on <version> with <offer>
    Then the handshake on <version> established no session

    Examples:
      | version | offer                                       |
      | TLSv1.2 | an unknown identity and the provisioned key |
      | TLSv1.3 | an unknown identity and the provisioned key |
      | TLSv1.2 | the provisioned identity and a wrong key    |
      | TLSv1.3 | the provisioned identity and a wrong key    |

  @positive
  Scenario: GBA shared-key TLS, with a B-TID as the PSK identity
    Given GBA shared-key TLS can be bootstrapped
