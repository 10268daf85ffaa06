@EVVM-AUTH-05
Feature: EVVM-AUTH-05 The EVVM Server and the Message Storage Server authenticate each other
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "Similar mutual authentications are expected to take place between EVVM functional components and their
  corresponding interacting components of the supporting enablers, e.g., EVVM Server and Message Storage
  Server."
  "expected" is not RFC 2119 wording: a failure is a warning. The EVVM Server keeps voicemail in the CPM
  Message Storage Server over IMAP (IF-5): it authenticates the store by its certificate before any
  credential leaves it, and the store authenticates the EVVM Server by its client certificate (when the
  service provider's policy asks for mutual authentication) and by its credentials. CPM itself makes TLS
  only optional (CPM-MS-AUTH-05/06, Q5).

  Background:
    Given the EVVM Server keeps its voicemail in the Message Storage Server

  @positive
  Scenario: The EVVM Server and the Message Storage Server authenticate each other, and the voicemail is stored
    When a voicemail for "alice" is deposited and the EVVM Server stores it in the Message Storage Server
    Then the EVVM Server authenticated the Message Storage Server's certificate
    And the Message Storage Server accepted the EVVM Server
    And the voicemail is in the Message Storage of "alice"

  @negative
  Scenario Outline: A rogue Message Storage Server whose certificate is <flaw> gets no credential and no voicemail
    Given a rogue Message Storage Server presents a certificate that is <flaw>
    When a voicemail for "alice" is deposited and the EVVM Server stores it on the rogue server
    Then no credential reached the rogue Message Storage Server
    And the EVVM Server stored nothing on the rogue server

    Examples:
      | flaw                      |
      | issued by an untrusted CA |
      | expired                   |
      | issued for another host   |

  @negative
  Scenario Outline: The Message Storage Server refuses an EVVM Server whose client certificate is <flaw>
    Given the service provider's policy requires client certificates on the Message Storage Server
    When the EVVM Server presents a client certificate that is <flaw> and stores a voicemail for "alice" in the Message Storage Server
    Then the Message Storage Server did not accept the EVVM Server

    Examples:
      | flaw                      |
      | missing                   |
      | issued by an untrusted CA |

  @negative
  Scenario: The Message Storage Server refuses an EVVM Server with a wrong password
    When the EVVM Server stores a voicemail for "alice" in the Message Storage Server with a wrong password
    Then the Message Storage Server did not accept the EVVM Server
