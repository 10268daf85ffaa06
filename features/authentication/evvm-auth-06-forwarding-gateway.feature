@EVVM-AUTH-06
Feature: EVVM-AUTH-06 Mutual authentication between the EVVM Server and the EVVM Forwarding Gateway
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "The mutual authentication SHOULD be performed between EVVM Server and EVVM Forwarding Gateway and is
  subject to: · Service provider’s policy. · Service provider’s deployment"
  The Forwarding Gateway forwards voicemail to recipients outside EVVM as e-mail. The link is SMTP with
  STARTTLS and certificates on both sides (the protocol is an inference, spec.md Q11). The service
  provider's policy (policy.interfaces.forwardingGateway) says whether mutual authentication is required,
  which anchors are trusted and which name each end must prove; without it this SHOULD is not exercised.

  Background:
    Given the service provider's policy requires mutual authentication with the Forwarding Gateway
    And the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: The EVVM Server forwards a voicemail to the Forwarding Gateway over mutually authenticated TLS
    Given the Forwarding Gateway is in service
    And "alice" forwards her voicemail to "alice.home@mail.example"
    When a caller leaves a voicemail for "alice"
    Then the Forwarding Gateway forwards it to "alice.home@mail.example"
    And the EVVM Server authenticated the Forwarding Gateway by its certificate
    And the Forwarding Gateway authenticated the EVVM Server by its certificate

  @positive
  Scenario: The EVVM Server takes a forwarding result from the authenticated Forwarding Gateway
    Given the Forwarding Gateway is in service
    When the Forwarding Gateway reports a forwarding result for "alice"
    Then the EVVM Server accepts the forwarding result
    And the EVVM Server authenticated the Forwarding Gateway by its certificate
    And the Forwarding Gateway authenticated the EVVM Server by its certificate

  @negative
  Scenario Outline: A gateway whose certificate is <flaw> receives no forwarded voicemail
    Given an impostor Forwarding Gateway presents a certificate that is <flaw>
    And "alice" forwards her voicemail to "alice.home@mail.example"
    When a caller leaves a voicemail for "alice"
    Then the impostor receives no voicemail
    And the EVVM Server refused the Forwarding Gateway and recorded why

    Examples:
      | flaw                             |
      | issued by an untrusted CA        |
      | expired                          |
      | issued for another host          |

  @negative
  Scenario Outline: The EVVM Server takes no forwarding result from a gateway whose certificate is <flaw>
    Given the Forwarding Gateway is in service
    When a Forwarding Gateway whose certificate is <flaw> reports a forwarding result for "alice"
    Then the EVVM Server accepts no forwarding result
    And the EVVM Server refused the Forwarding Gateway and recorded why

    Examples:
      | flaw                             |
      | missing                          |
      | issued by an untrusted CA        |
      | expired                          |
      | revoked                          |
      | issued for another host          |

  @negative
  Scenario Outline: The Forwarding Gateway takes no voicemail from a sender whose certificate is <flaw>
    Given the Forwarding Gateway is in service
    When a sender whose certificate is <flaw> hands the Forwarding Gateway a voicemail for "bob.home@mail.example"
    Then the Forwarding Gateway refused the sender and forwarded nothing

    Examples:
      | flaw                             |
      | missing                          |
      | issued by an untrusted CA        |
      | expired                          |
      | issued for another host          |
