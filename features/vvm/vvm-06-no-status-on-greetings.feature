@VVM-06
Feature: VVM-06 The client does not issue STATUS on the Greetings folder
  OMTP VVM 1.2 p.17: "The client application must not perform the STATUS command on the Greetings folder. …
  If the STATUS command is performed on the greeting folder, the system returns the following error message:
  NO command not allowed"

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail
    And a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"

  @positive
  Scenario: STATUS on the INBOX is answered
    When it asks for the STATUS of the folder "INBOX"
    Then the STATUS is answered

  @negative
  Scenario: STATUS on the Greetings folder is refused as a command not allowed
    When it asks for the STATUS of the folder "Greetings"
    Then the STATUS is refused with "command not allowed"
