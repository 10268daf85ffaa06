@EVVM-AUTH-07
Feature: EVVM-AUTH-07 Mutual authentication between the EVVM Server and the EVVM Non-OMA Standard VM Service
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "The mutual authentication SHOULD be performed between EVVM Server and the EVVM Non-OMA Standard VM
  Service and is subject to: · Service provider’s policy. · Service provider’s deployment"
  The Non-OMA VM Service is a legacy voicemail platform exchanging VPIM-style voicemail (RFC 3801) over
  SMTP with STARTTLS and certificates on both sides (an inference, spec.md Q11). The service provider's
  policy (policy.interfaces.nonOmaVm) says whether it is required; without it this SHOULD is not exercised.

  Background:
    Given the service provider's policy requires mutual authentication with the Non-OMA VM Service
    And the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: The EVVM Server relays a voicemail to the Non-OMA VM Service over mutually authenticated TLS
    Given the Non-OMA VM Service is in service
    And "alice" forwards her voicemail to "+15559001@legacy-vm.example"
    When a caller leaves a voicemail for "alice"
    Then the Non-OMA VM Service receives it as a VPIM voice message for "+15559001@legacy-vm.example"
    And the EVVM Server authenticated the Non-OMA VM Service by its certificate
    And the Non-OMA VM Service authenticated the EVVM Server by its certificate

  @positive
  Scenario: The Non-OMA VM Service delivers a voicemail into a mailbox over mutually authenticated TLS
    Given the Non-OMA VM Service is in service
    When the Non-OMA VM Service sends a VPIM voicemail from "+15559001" to "alice"
    Then the mailbox "alice" holds that voicemail
    And the EVVM Server authenticated the Non-OMA VM Service by its certificate
    And the Non-OMA VM Service authenticated the EVVM Server by its certificate

  @negative
  Scenario Outline: A Non-OMA VM Service whose certificate is <flaw> receives no voicemail
    Given an impostor Non-OMA VM Service presents a certificate that is <flaw>
    And "alice" forwards her voicemail to "+15559001@legacy-vm.example"
    When a caller leaves a voicemail for "alice"
    Then the impostor receives no voicemail
    And the EVVM Server refused the Non-OMA VM Service and recorded why

    Examples:
      | flaw                             |
      | issued by an untrusted CA        |
      | expired                          |
      | issued for another host          |

  @negative
  Scenario Outline: A Non-OMA VM Service whose certificate is <flaw> cannot deliver into a mailbox
    Given the Non-OMA VM Service is in service
    When a Non-OMA VM Service whose certificate is <flaw> sends a VPIM voicemail from "+15559001" to "alice"
    Then the EVVM Server refused the Non-OMA VM Service and recorded why
    And the mailbox "alice" does not hold that voicemail

    Examples:
      | flaw                             |
      | missing                          |
      | issued by an untrusted CA        |
      | expired                          |
      | revoked                          |
      | issued for another host          |

  @negative
  Scenario Outline: The Non-OMA VM Service takes no voicemail from a sender whose certificate is <flaw>
    Given the Non-OMA VM Service is in service
    When a sender whose certificate is <flaw> hands the Non-OMA VM Service a voicemail for "+15559001@legacy-vm.example"
    Then the Non-OMA VM Service refused the sender and took nothing

    Examples:
      | flaw                             |
      | missing                          |
      | issued by an untrusted CA        |
      | issued for another host          |

  @negative
  Scenario Outline: The Non-OMA VM Service delivers nothing to an impostor EVVM Server whose certificate is <flaw>
    Given the Non-OMA VM Service is in service
    And an impostor EVVM Server presents a certificate that is <flaw>
    When the Non-OMA VM Service sends a VPIM voicemail from "+15559001" to "alice" through the impostor
    Then the impostor receives no voicemail
    And the Non-OMA VM Service refused the impostor and recorded why

    Examples:
      | flaw                             |
      | issued by an untrusted CA        |
      | issued for another host          |
