@EVVM-SMS-C05 @candidate
Feature: EVVM-SMS-C05 STATUS carries no credentials for unknown or blocked subscribers
  Candidate requirement anchored in VVM 1.2 (u and pw: "This field is mandatory, but is not returned for U
  and B events"), not EVVM spec text: "STATUS carries no credentials for unknown (U) or blocked (B)
  subscribers." A STATUS with st=U or st=B contains none of u, pw, smtp_u and smtp_pw.

  Background:
    Given the SMSC serves the EVVM Server and the handsets of "alice" and "carol"
    And a handset "dave" whose number has no mailbox

  @positive
  Scenario: A ready subscriber's STATUS carries its credentials to its own handset
    Given the EVVM Client of "alice" has activated the VVM service
    When the handset of "alice" asks the EVVM Server for its STATUS
    Then the STATUS that the handset of "alice" received reports the status "R"
    And the STATUS that the handset of "alice" received carries the credentials of "alice"

  @negative
  Scenario: A blocked subscriber's STATUS carries no credentials
    Given the mailbox "carol" is blocked
    When the handset of "carol" asks the EVVM Server for its STATUS
    Then the STATUS that the handset of "carol" received reports the status "B"
    And the STATUS that the handset of "carol" received carries no credentials

  @negative
  Scenario: A blocked subscriber's Activate is answered without credentials
    Given the mailbox "carol" is blocked
    When the EVVM Client of "carol" activates the VVM service
    Then the STATUS that the handset of "carol" received reports the status "B"
    And the STATUS that the handset of "carol" received carries no credentials

  @negative
  Scenario: A number without a mailbox gets a STATUS without credentials
    When the handset of "dave" asks the EVVM Server for its STATUS
    Then the STATUS that the handset of "dave" received reports the status "U"
    And the STATUS that the handset of "dave" received carries no credentials
    And no password of any mailbox reached the handset of "dave"
