@EVVM-AUTH-08
Feature: EVVM-AUTH-08 Mutual authentication between EVVM Servers
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "The mutual authentication SHALL be performed between EVVM Servers and is subject to: · Service
  provider’s policy. · Service provider’s deployment."
  A SHALL that is "subject to" policy (spec.md Q3): it applies unless the profile waives it
  (policy.interfaces.interServer.mutualAuth: false), and a waiver is reported as a waiver, never as a pass.
  The EVVM Servers here are evvm-server.op.example and a second EVVM Server in the peer domain
  peer.example, linked by SMTP with STARTTLS or implicit TLS and certificates on both sides.

  Background:
    Given the service provider's policy requires mutual authentication between EVVM Servers
    And the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: The EVVM Server relays a voicemail to the peer EVVM Server over mutually authenticated TLS
    Given the peer EVVM Server is in service
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice"
    Then the peer EVVM Server stores it in the mailbox "dave@peer.example"
    And the EVVM Server authenticated the peer EVVM Server by its certificate
    And the peer EVVM Server authenticated the EVVM Server by its certificate

  @positive
  Scenario: The peer EVVM Server relays a voicemail into a mailbox over mutually authenticated TLS
    Given the peer EVVM Server is in service
    When the peer EVVM Server relays a voicemail from "dave@peer.example" to "alice"
    Then the mailbox "alice" holds that voicemail
    And the EVVM Server authenticated the peer EVVM Server by its certificate
    And the peer EVVM Server authenticated the EVVM Server by its certificate

  @negative
  Scenario Outline: A peer EVVM Server whose certificate is <flaw> receives no voicemail
    Given an impostor peer EVVM Server presents a certificate that is <flaw>
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice"
    Then the impostor receives no voicemail
    And the EVVM Server refused the peer EVVM Server and recorded why

    Examples:
      | flaw                             |
      | issued by an untrusted CA        |
      | expired                          |
      | issued for another host          |

  @negative
  Scenario Outline: A peer EVVM Server whose certificate is <flaw> cannot deliver into a mailbox
    Given the peer EVVM Server is in service
    When a peer EVVM Server whose certificate is <flaw> relays a voicemail from "dave@peer.example" to "alice"
    Then the EVVM Server refused the peer EVVM Server and recorded why
    And the mailbox "alice" does not hold that voicemail

    Examples:
      | flaw                             |
      | missing                          |
      | issued by an untrusted CA        |
      | expired                          |
      | revoked                          |
      | issued for another host          |

  @negative
  Scenario Outline: The peer EVVM Server takes no voicemail from a sender whose certificate is <flaw>
    Given the peer EVVM Server is in service
    When a sender whose certificate is <flaw> hands the peer EVVM Server a voicemail for "dave@peer.example"
    Then the peer EVVM Server refused the sender and stored nothing

    Examples:
      | flaw                             |
      | missing                          |
      | issued by an untrusted CA        |
      | expired                          |
      | issued for another host          |

  @negative
  Scenario Outline: The peer EVVM Server relays nothing to an impostor EVVM Server whose certificate is <flaw>
    Given the peer EVVM Server is in service
    And an impostor EVVM Server presents a certificate that is <flaw>
    When the peer EVVM Server relays a voicemail from "dave@peer.example" to "alice" through the impostor
    Then the impostor receives no voicemail
    And the peer EVVM Server refused the impostor and recorded why

    Examples:
      | flaw                             |
      | issued by an untrusted CA        |
      | issued for another host          |
