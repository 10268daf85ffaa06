@STD-07
Feature: STD-07 TLS 1.0 and TLS 1.1 are not used for PSK-TLS
  RFC 8996 §4 and §5: TLS 1.0 and TLS 1.1 MUST NOT be used, nor negotiated from any version of TLS.
  PSK-TLS on the Message Storage Server (IF-5, CPM-MS-AUTH-06, whose [RFC2246] reference is flagged, not
  obeyed): the provisioned identity and key are offered with PSK suites of exactly one version.

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"
    And the Message Storage Server declares PSK-TLS on TLSv1.2

  @negative
  Scenario Outline: The Message Storage Server refuses PSK-TLS on <version>
    When test equipment offers only <version> with the provisioned PSK to the Message Storage Server over PSK-TLS
    Then no TLS session is established and no application data is exchanged

    Examples:
      | version |
      | TLS 1.0 |
      | TLS 1.1 |

  @positive
  Scenario: The Message Storage Server completes PSK-TLS on TLS 1.2 and answers in it
    When test equipment offers only TLS 1.2 with the provisioned PSK to the Message Storage Server over PSK-TLS
    Then a TLS session is established on TLS 1.2 and the server answers in it
