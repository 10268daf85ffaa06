@VVM-06
Feature: VVM-06 The client does not issue STATUS on the Greetings folder
  OMTP VVM 1.2 p.17: "The client application must not perform the STATUS command on the Greetings folder. …
  If the STATUS command is performed on the greeting folder, the system returns the following error message:
  NO command not allowed"
  The EVVM Server refuses what the EVVM Client must not do; the EVVM Client is judged on what the EVVM Server
  received from it while it synced its voicemail box, greetings included.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: STATUS on the INBOX is answered
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it asks for the STATUS of the folder "INBOX"
    Then the STATUS is answered

  @negative
  Scenario: STATUS on the Greetings folder is refused as a command not allowed
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it asks for the STATUS of the folder "Greetings"
    Then the STATUS is refused with "command not allowed"

  @negative
  Scenario: The EVVM Client syncing its voicemail box never performs STATUS on the Greetings folder
    Given the EVVM Client is the one under test
    When the EVVM Client syncs the voicemail box of "alice" with the EVVM Server
    Then the EVVM Client asked for no STATUS of the Greetings folder
