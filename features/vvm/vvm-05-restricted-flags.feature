@VVM-05
Feature: VVM-05 The client sets no IMAP flags other than the allowed ones
  OMTP VVM 1.2 p.17: "Other standard or non-standard IMAP4 flags, must not be set by the client, except for
  the $CNS-Greeting-On flag (see chapter 7). If non-supported flags are set by the client, the system returns
  the following error message: NO command not allowed"
  The EVVM Server refuses what the EVVM Client must not do; the EVVM Client is judged on what the EVVM Server
  received from it while it synced its voicemail box: the flags a VVM client may set are \Seen, \Deleted and
  $CNS-Greeting-On.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: Marking a voicemail as read is allowed
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it sets the flag "\Seen" on the voicemail of "alice"
    Then the flag is stored
    And the voicemail carries the flag "\Seen"

  @negative
  Scenario Outline: The flag <flag> is refused as a command not allowed
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it sets the flag "<flag>" on the voicemail of "alice"
    Then the flag is refused with "command not allowed"
    And the voicemail does not carry the flag "<flag>"

    Examples:
      | flag      |
      | \Flagged  |
      | \Answered |
      | $Junk     |

  @negative
  Scenario: The EVVM Client syncing its voicemail box sets no other standard or non-standard flag
    Given the EVVM Client is the one under test
    When the EVVM Client syncs the voicemail box of "alice" with the EVVM Server
    Then the EVVM Client set no flag but \Seen, \Deleted and $CNS-Greeting-On
