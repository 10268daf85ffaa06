@STD-07
Feature: STD-07 TLS 1.0 and TLS 1.1 are not used on SMPP over TLS
  RFC 8996 §4 and §5: TLS 1.0 and TLS 1.1 MUST NOT be used, nor negotiated from any version of TLS.
  SMPP over TLS between the EVVM Server (an ESME) and the SMSC (IF-9).

  @negative
  Scenario Outline: The SMSC refuses an ESME that offers only <version>
    When test equipment offers only <version> to the SMSC over SMPP over TLS
    Then no TLS session is established and no application data is exchanged

    Examples:
      | version |
      | TLS 1.0 |
      | TLS 1.1 |

  @positive
  Scenario Outline: The SMSC completes a <version> handshake and answers in it
    When test equipment offers only <version> to the SMSC over SMPP over TLS
    Then a TLS session is established on <version> and the server answers in it

    Examples:
      | version |
      | TLS 1.2 |
      | TLS 1.3 |

  @negative
  Scenario Outline: The EVVM Server does not bind to an SMSC that speaks only <version>
    Given a server that speaks only <version> stands in for the SMSC over implicit TLS
    When the EVVM Server binds to the stand-in over SMPP over TLS
    Then the stand-in completed no TLS handshake and received no application data

    Examples:
      | version |
      | TLS 1.0 |
      | TLS 1.1 |

  @positive
  Scenario: The EVVM Server binds to an SMSC that speaks only TLS 1.2
    Given a server that speaks only TLS 1.2 stands in for the SMSC over implicit TLS
    When the EVVM Server binds to the stand-in over SMPP over TLS
    Then the stand-in completed a TLS 1.2 handshake and received application data
