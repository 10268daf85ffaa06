@EVVM-IW-C01 @candidate
Feature: EVVM-IW-C01 Mutually authenticated server-to-server transfer (candidate)
  Candidate requirement, inferred for the missing "Security of voicemail interworking" subsection of
  OMA EVVM AD §6.4 (CR-SEC); not EVVM spec text (spec.md b.4, Q1):
  "Mutually authenticated server-to-server transfer (EVVM-AUTH-08 on the interworking transport)."
  For SMTP interworking: STARTTLS (RFC 3207) or implicit TLS, with client certificates on both sides;
  voicemail never travels between EVVM Servers before TLS is in place.

  Background:
    Given the service provider's policy requires mutual authentication between EVVM Servers
    And the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: Voicemail leaves for the peer EVVM Server only after STARTTLS and both certificates
    Given the peer EVVM Server is in service
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice"
    Then the peer EVVM Server stores it in the mailbox "dave@peer.example"
    And the EVVM Server sent the envelope only inside a mutually authenticated TLS session

  @positive
  Scenario: The peer EVVM Server relays a voicemail over implicit TLS
    Given the peer EVVM Server is in service
    When the peer EVVM Server relays a voicemail from "dave@peer.example" to "alice" over implicit TLS
    Then the mailbox "alice" holds that voicemail
    And the EVVM Server authenticated the peer EVVM Server by its certificate

  @negative
  Scenario: A peer that does not offer STARTTLS gets no voicemail in plaintext
    Given a peer EVVM Server that does not offer STARTTLS stands where the peer should be
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice"
    Then the impostor receives no voicemail
    And the EVVM Server stopped before sending the envelope in plaintext

  @negative
  Scenario: Server-to-server mail without TLS is refused
    Given the peer EVVM Server is in service
    When a sender posing as the peer EVVM Server relays a voicemail from "dave@peer.example" to "alice" without TLS
    Then the EVVM Server refused the mail transaction with 530
    And the mailbox "alice" does not hold that voicemail

  @negative
  Scenario: A peer whose certificate is issued by an untrusted CA receives no voicemail
    Given an impostor peer EVVM Server presents a certificate that is issued by an untrusted CA
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice"
    Then the impostor receives no voicemail

  @negative
  Scenario: A peer EVVM Server without a certificate cannot deliver into a mailbox
    Given the peer EVVM Server is in service
    When a peer EVVM Server whose certificate is missing relays a voicemail from "dave@peer.example" to "alice"
    Then the EVVM Server refused the peer EVVM Server and recorded why
    And the mailbox "alice" does not hold that voicemail
