@VVM-05
Feature: VVM-05 The client sets no IMAP flags other than the allowed ones
  OMTP VVM 1.2 p.17: "Other standard or non-standard IMAP4 flags, must not be set by the client, except for
  the $CNS-Greeting-On flag (see chapter 7). If non-supported flags are set by the client, the system returns
  the following error message: NO command not allowed"

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail
    And a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"

  @positive
  Scenario: Marking a voicemail as read is allowed
    When it sets the flag "\Seen" on the voicemail of "alice"
    Then the flag is stored
    And the voicemail carries the flag "\Seen"

  @negative
  Scenario Outline: The flag <flag> is refused as a command not allowed
    When it sets the flag "<flag>" on the voicemail of "alice"
    Then the flag is refused with "command not allowed"
    And the voicemail does not carry the flag "<flag>"

    Examples:
      | flag      |
      | \Flagged  |
      | \Answered |
      | $Junk     |
