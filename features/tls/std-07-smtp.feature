@STD-07
Feature: STD-07 TLS 1.0 and TLS 1.1 are not used on SMTP
  RFC 8996 §4 and §5: TLS 1.0 and TLS 1.1 MUST NOT be used, nor negotiated from any version of TLS.
  SMTP with STARTTLS and implicit TLS on every interworking interface: the EVVM Server's deposit (IF-2),
  Forwarding Gateway (IF-6), Non-OMA VM (IF-7) and peer (IF-8) interfaces, and the Forwarding Gateway,
  the Non-OMA VM Service and a peer EVVM Server as servers; the EVVM Server and the Non-OMA VM Service as
  senders.

  @negative
  Scenario Outline: The <server> refuses a client that offers only <version> over <transport>
    When test equipment offers only <version> to the <server> over <transport>
    Then no TLS session is established and no application data is exchanged

    Examples:
      | server                                         | version | transport    |
      | EVVM Server's SMTP deposit interface           | TLS 1.0 | STARTTLS     |
      | EVVM Server's SMTP deposit interface           | TLS 1.1 | implicit TLS |
      | EVVM Server's Forwarding Gateway interface     | TLS 1.0 | STARTTLS     |
      | EVVM Server's Forwarding Gateway interface     | TLS 1.1 | implicit TLS |
      | EVVM Server's Non-OMA VM interface             | TLS 1.0 | implicit TLS |
      | EVVM Server's Non-OMA VM interface             | TLS 1.1 | STARTTLS     |
      | EVVM Server's interface for peer EVVM Servers  | TLS 1.0 | STARTTLS     |
      | EVVM Server's interface for peer EVVM Servers  | TLS 1.1 | implicit TLS |
      | Forwarding Gateway                             | TLS 1.0 | STARTTLS     |
      | Forwarding Gateway                             | TLS 1.1 | implicit TLS |
      | Non-OMA VM Service                             | TLS 1.0 | implicit TLS |
      | Non-OMA VM Service                             | TLS 1.1 | STARTTLS     |
      | peer EVVM Server                               | TLS 1.0 | STARTTLS     |
      | peer EVVM Server                               | TLS 1.1 | implicit TLS |

  @positive
  Scenario Outline: The <server> completes a <version> handshake over <transport> and answers in it
    When test equipment offers only <version> to the <server> over <transport>
    Then a TLS session is established on <version> and the server answers in it

    Examples:
      | server                                         | version | transport    |
      | EVVM Server's SMTP deposit interface           | TLS 1.2 | STARTTLS     |
      | EVVM Server's SMTP deposit interface           | TLS 1.3 | implicit TLS |
      | EVVM Server's Forwarding Gateway interface     | TLS 1.3 | STARTTLS     |
      | EVVM Server's Non-OMA VM interface             | TLS 1.2 | implicit TLS |
      | EVVM Server's interface for peer EVVM Servers  | TLS 1.3 | STARTTLS     |
      | Forwarding Gateway                             | TLS 1.2 | STARTTLS     |
      | Non-OMA VM Service                             | TLS 1.3 | implicit TLS |
      | peer EVVM Server                               | TLS 1.2 | STARTTLS     |

  @negative
  Scenario Outline: The EVVM Server relays nothing to a peer EVVM Server that speaks only <version>
    Given a server that speaks only <version> stands in for the peer EVVM Server over STARTTLS
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice"
    Then the stand-in completed no TLS handshake and received no application data

    Examples:
      | version |
      | TLS 1.0 |
      | TLS 1.1 |

  @positive
  Scenario: The EVVM Server relays to a peer EVVM Server that speaks only TLS 1.2
    Given a server that speaks only TLS 1.2 stands in for the peer EVVM Server over STARTTLS
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice"
    Then the stand-in completed a TLS 1.2 handshake and received application data

  @negative
  Scenario Outline: The Non-OMA VM Service sends nothing to an EVVM Server that speaks only <version>
    Given a server that speaks only <version> stands in for the EVVM Server's Non-OMA VM interface over STARTTLS
    When the Non-OMA VM Service sends a VPIM voicemail from "+15559001" to "alice" to the stand-in
    Then the stand-in completed no TLS handshake and received no application data

    Examples:
      | version |
      | TLS 1.0 |
      | TLS 1.1 |

  @positive
  Scenario: The Non-OMA VM Service sends to an EVVM Server that speaks only TLS 1.3
    Given a server that speaks only TLS 1.3 stands in for the EVVM Server's Non-OMA VM interface over STARTTLS
    When the Non-OMA VM Service sends a VPIM voicemail from "+15559001" to "alice" to the stand-in
    Then the stand-in completed a TLS 1.3 handshake and received application data
