@EVVM-SMS-C01 @candidate
Feature: EVVM-SMS-C01 A spoofed or redirecting STATUS SMS does not cause credential disclosure
  Candidate requirement, inferred (spec.md b.3): the CR-SEC subsection "Security of SMS notifications" is
  missing from the seed, so this is not EVVM spec text.
  "A spoofed or redirecting STATUS SMS must not cause credential disclosure."
  Basis: EVVM-AUTH-03 and the Project Zero VVM attack (a spoofed STATUS pointed a device at the attacker's
  IMAP server). The EVVM Client either drops such an SMS or, acting on it, authenticates the server as the
  provisioned EVVM Server before any credential leaves it; the SMSC does not let an ESME claim the EVVM
  Server's number.

  Background:
    Given the SMSC serves the EVVM Server and the handset of "alice"

  @positive
  Scenario: A STATUS from the EVVM Server leads the EVVM Client to the EVVM Server, which it authenticates first
    When the EVVM Client of "alice" activates the VVM service
    Then the EVVM Client of "alice" accepted a STATUS from the EVVM Server's number
    And the EVVM Client of "alice" authenticated the EVVM Server before it logged in
    And the EVVM Client of "alice" uses the EVVM Server

  @negative
  Scenario: A spoofed STATUS from a number that is not allow-listed gets no credential to a rogue server
    Given the EVVM Client of "alice" has activated the VVM service
    And a rogue IMAP server presents a certificate that is issued by an untrusted CA
    When an SMS spoofer sends "alice" a STATUS pointing at the rogue server from its own number
    Then the EVVM Client of "alice" ignored the SMS because its originator is not allow-listed
    And no credential reached the rogue server
    And the EVVM Client of "alice" uses the EVVM Server

  @negative
  Scenario: The SMSC does not let an ESME claim the EVVM Server's number
    Given the EVVM Client of "alice" has activated the VVM service
    And a rogue IMAP server presents a certificate that is issued by an untrusted CA
    When an SMS spoofer sends "alice" a STATUS pointing at the rogue server claiming the EVVM Server's number
    Then the SMSC refused the claimed originating address
    And the handset of "alice" received nothing from the SMS spoofer
    And no credential reached the rogue server

  @negative
  Scenario Outline: A STATUS put on the air with the EVVM Server's number, naming <name> for a rogue whose certificate is <flaw>, gets no credential
    Given the EVVM Client of "alice" has activated the VVM service
    And a rogue IMAP server presents a certificate that is <flaw>
    When a fake base station sends "alice" a STATUS pointing at the rogue server by the name "<name>" from the EVVM Server's number
    Then no credential reached the rogue server
    And the EVVM Client of "alice" did not log in to the rogue server
    And the EVVM Client of "alice" uses the EVVM Server

    Examples:
      | flaw                      | name                   |
      | issued by an untrusted CA | evvm-server.op.example |
      | issued for another host   | attacker.example       |
