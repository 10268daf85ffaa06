@STD-07
Feature: STD-07 TLS 1.0 and TLS 1.1 are not used on IMAP
  RFC 8996 §4 and §5: "TLSv1.0 MUST NOT be used. Negotiation of TLSv1.0 from any version of TLS MUST NOT
  be permitted." … "TLSv1.1 MUST NOT be used. Negotiation of TLSv1.1 from any version of TLS MUST NOT be
  permitted."
  IMAP between the EVVM Client and the EVVM Server (IF-1) and between the EVVM Server and the Message
  Storage Server (IF-5). CPM-MS-AUTH-05/06 cite [RFC2246] (TLS 1.0): that reference is flagged, not obeyed.
  Server side: test equipment offers exactly one version. Client side: a server that speaks exactly one
  version, with the genuine server's certificate, stands where the genuine server should be.

  @negative
  Scenario Outline: The <server> refuses a client that offers only <version> over <transport>
    When test equipment offers only <version> to the <server> over <transport>
    Then no TLS session is established and no application data is exchanged

    Examples:
      | server                        | version | transport    |
      | EVVM Server's IMAP interface  | TLS 1.0 | implicit TLS |
      | EVVM Server's IMAP interface  | TLS 1.1 | implicit TLS |
      | EVVM Server's IMAP interface  | TLS 1.0 | STARTTLS     |
      | EVVM Server's IMAP interface  | TLS 1.1 | STARTTLS     |
      | Message Storage Server        | TLS 1.0 | implicit TLS |
      | Message Storage Server        | TLS 1.1 | implicit TLS |
      | Message Storage Server        | TLS 1.0 | STARTTLS     |
      | Message Storage Server        | TLS 1.1 | STARTTLS     |

  @positive
  Scenario Outline: The <server> completes a <version> handshake over <transport> and answers in it
    When test equipment offers only <version> to the <server> over <transport>
    Then a TLS session is established on <version> and the server answers in it

    Examples:
      | server                        | version | transport    |
      | EVVM Server's IMAP interface  | TLS 1.2 | implicit TLS |
      | EVVM Server's IMAP interface  | TLS 1.3 | implicit TLS |
      | EVVM Server's IMAP interface  | TLS 1.2 | STARTTLS     |
      | EVVM Server's IMAP interface  | TLS 1.3 | STARTTLS     |
      | Message Storage Server        | TLS 1.2 | implicit TLS |
      | Message Storage Server        | TLS 1.3 | implicit TLS |
      | Message Storage Server        | TLS 1.2 | STARTTLS     |
      | Message Storage Server        | TLS 1.3 | STARTTLS     |

  @negative
  Scenario Outline: The EVVM Client completes no handshake with a server that speaks only <version> over <transport>
    Given a server that speaks only <version> stands in for the EVVM Server over <transport>
    When the EVVM Client retrieves the voicemail of "alice" from the stand-in
    Then the stand-in completed no TLS handshake and received no application data

    Examples:
      | version | transport    |
      | TLS 1.0 | implicit TLS |
      | TLS 1.1 | implicit TLS |
      | TLS 1.0 | STARTTLS     |
      | TLS 1.1 | STARTTLS     |

  @positive
  Scenario Outline: The EVVM Client speaks to a server that speaks only <version> over <transport>
    Given a server that speaks only <version> stands in for the EVVM Server over <transport>
    When the EVVM Client retrieves the voicemail of "alice" from the stand-in
    Then the stand-in completed a <version> handshake and received application data

    Examples:
      | version | transport    |
      | TLS 1.2 | implicit TLS |
      | TLS 1.3 | STARTTLS     |

  @negative
  Scenario Outline: The EVVM Server completes no handshake with a Message Storage Server that speaks only <version>
    Given a server that speaks only <version> stands in for the Message Storage Server over <transport>
    When the EVVM Server stores a voicemail for "alice" in the stand-in
    Then the stand-in completed no TLS handshake and received no application data

    Examples:
      | version | transport    |
      | TLS 1.0 | implicit TLS |
      | TLS 1.1 | STARTTLS     |

  @positive
  Scenario Outline: The EVVM Server speaks to a Message Storage Server that speaks only <version>
    Given a server that speaks only <version> stands in for the Message Storage Server over <transport>
    When the EVVM Server stores a voicemail for "alice" in the stand-in
    Then the stand-in completed a <version> handshake and received application data

    Examples:
      | version | transport    |
      | TLS 1.2 | implicit TLS |
      | TLS 1.3 | STARTTLS     |
