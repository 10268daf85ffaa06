@EVVM-IW-C04 @candidate
Feature: EVVM-IW-C04 No open relay and no spoofed interworking origin (candidate)
  Candidate requirement, inferred for the missing "Security of voicemail interworking" subsection of
  OMA EVVM AD §6.4 (CR-SEC); not EVVM spec text (spec.md b.4, Q1):
  "No open relay: no injection of voicemail claiming a foreign originator domain."
  A peer speaks only for the originator domains the policy gives it (policy.interfaces.*.peerDomains),
  delivers only to the EVVM Server's own mailboxes, and only after it passed mutual authentication.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail
    And the peer EVVM Server is in service

  @positive
  Scenario: The authenticated peer EVVM Server delivers voicemail from its own domain
    When the peer EVVM Server relays a voicemail from "dave@peer.example" to "alice"
    Then the mailbox "alice" holds that voicemail

  @negative
  Scenario Outline: The authenticated peer cannot inject voicemail claiming the foreign originator <originator>
    When the peer EVVM Server relays a voicemail from "<originator>" to "alice"
    Then the EVVM Server refused the originator
    And the mailbox "alice" does not hold that voicemail

    Examples:
      | originator           |
      | mallory@bank.example |
      | bob@op.example       |

  @negative
  Scenario: The EVVM Server relays nothing for recipients outside its domain
    When the peer EVVM Server relays a voicemail from "dave@peer.example" to "victim@elsewhere.example"
    Then the EVVM Server refused the recipient as relaying denied

  @negative
  Scenario: A sender without a certificate cannot inject voicemail claiming the peer's domain
    Given the service provider's policy requires mutual authentication between EVVM Servers
    When a peer EVVM Server whose certificate is missing relays a voicemail from "dave@peer.example" to "alice"
    Then the EVVM Server refused the peer EVVM Server and recorded why
    And the mailbox "alice" does not hold that voicemail

  @negative
  Scenario: Nobody deposits through the SMTP deposit interface without authenticating
    When a test client deposits a voicemail from "dave@peer.example" for "alice" without authenticating
    Then the EVVM Server refused the mail transaction with 530
    And the mailbox "alice" does not hold that voicemail
