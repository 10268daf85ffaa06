@EVVM-IW-C02 @candidate
Feature: EVVM-IW-C02 Interworking with non-OMA voicemail systems is mutually authenticated (candidate)
  Candidate requirement, inferred for the missing "Security of voicemail interworking" subsection of
  OMA EVVM AD §6.4 (CR-SEC); not EVVM spec text (spec.md b.4, Q1, Q11):
  "Interworking with non-OMA systems (EVVM-AUTH-07), e.g. VPIM v2 over SMTP."
  VPIM v2 (RFC 3801) carries voicemail as multipart/voice-message; RFC 3801's Security Considerations have
  not been checked. It follows EVVM-AUTH-07's policy (policy.interfaces.nonOmaVm).

  Background:
    Given the service provider's policy requires mutual authentication with the Non-OMA VM Service
    And the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail
    And the Non-OMA VM Service is in service

  @positive
  Scenario: A VPIM voicemail from the Non-OMA VM Service lands in the mailbox as a voice message
    When the Non-OMA VM Service sends a VPIM voicemail from "+15559001" to "alice"
    Then the mailbox "alice" holds that voicemail as a VPIM voice message

  @positive
  Scenario: Voicemail for a Non-OMA subscriber leaves the EVVM Server as VPIM over mutual TLS
    Given "alice" forwards her voicemail to "+15559001@legacy-vm.example"
    When a caller leaves a voicemail for "alice"
    Then the Non-OMA VM Service receives it as a VPIM voice message for "+15559001@legacy-vm.example"
    And the Non-OMA VM Service authenticated the EVVM Server by its certificate

  @negative
  Scenario: A legacy platform without a certificate cannot inject VPIM voicemail
    When a Non-OMA VM Service whose certificate is missing sends a VPIM voicemail from "+15559001" to "alice"
    Then the EVVM Server refused the Non-OMA VM Service and recorded why
    And the mailbox "alice" does not hold that voicemail

  @negative
  Scenario: The Non-OMA VM Service takes no VPIM voicemail from a sender without a certificate
    When a sender whose certificate is missing hands the Non-OMA VM Service a voicemail for "+15559001@legacy-vm.example"
    Then the Non-OMA VM Service refused the sender and took nothing
