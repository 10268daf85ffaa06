@EVVM-IW-C03 @candidate
Feature: EVVM-IW-C03 Integrity and non-repudiation protection survives relay (candidate)
  Candidate requirement, inferred for the missing "Security of voicemail interworking" subsection of
  OMA EVVM AD §6.4 (CR-SEC) from "Preserving the integrity of the voicemail" and "Ensuring the
  non-repudiation for the voicemail"; not EVVM spec text (spec.md b.4, Q1):
  "Integrity and non-repudiation protection survives relay through gateways and peer servers."
  The voicemail is S/MIME signed (RFC 8551 multipart/signed) by the server that took the deposit; a
  relay may add trace headers but must not re-encode what the signature covers, and a voicemail whose
  signature broke on the way is flagged, never silently accepted.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: A signed voicemail forwarded through the Forwarding Gateway still verifies at the far end
    Given the Forwarding Gateway is in service
    And "alice" forwards her voicemail to "alice.home@mail.example"
    When a caller leaves a voicemail for "alice", signed by the EVVM Server at deposit
    Then the Forwarding Gateway forwards it to "alice.home@mail.example"
    And the copy delivered to "alice.home@mail.example" still carries a valid signature of the EVVM Server

  @positive
  Scenario: A signed voicemail relayed to the peer EVVM Server still verifies there
    Given the peer EVVM Server is in service
    And "alice" forwards her voicemail to "dave@peer.example"
    When a caller leaves a voicemail for "alice", signed by the EVVM Server at deposit
    Then the peer EVVM Server stores it in the mailbox "dave@peer.example"
    And the copy in the mailbox "dave@peer.example" still carries a valid signature of the EVVM Server
    And the peer EVVM Server did not flag it

  @negative
  Scenario: A voicemail re-encoded on its way is flagged, not silently stored
    Given the peer EVVM Server is in service
    And the peer EVVM Server re-encodes the voicemail it relays
    When the peer EVVM Server relays a voicemail signed by the peer EVVM Server from "dave@peer.example" to "alice"
    Then the mailbox "alice" holds that voicemail flagged as having a broken signature
    And the copy in the mailbox "alice" does not carry a valid signature
