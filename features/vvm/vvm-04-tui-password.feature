@VVM-04
Feature: VVM-04 TUI password change with XCHANGE_TUI_PWD, within the pw_len range
  Base VVM behaviour, known from implementations (OMTP VVM 1.3 §2.3.1 via AOSP and Orange): the client changes
  the TUI password with XCHANGE_TUI_PWD PWD=<new> OLD_PWD=<old>; STATUS pw_len "Defines the minimum and maximum
  TUI password length allowed" (VVM 1.2 p.58). Refusals: password too short, password too long, password too
  weak, old password mismatch, password contains invalid characters. Tested where the EVVM Server declares the
  extension, with its pw_len range.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail
    And the EVVM Server declares XCHANGE_TUI_PWD with a pw_len range

  @positive
  Scenario: The subscriber changes her TUI password to one of the longest length pw_len allows
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it changes the TUI password of "alice" to a new one of the maximum length
    Then the change is answered OK "password changed successfully"
    And the old TUI password of "alice" no longer changes it
    And the TUI password of "alice" can be changed back to the old one

  @negative
  Scenario Outline: A TUI password <outside> the pw_len range is refused as <text>
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it changes the TUI password of "alice" to a new one <outside> the pw_len range
    Then the change is answered NO "<text>"
    And the TUI password of "alice" is unchanged

    Examples:
      | outside              | text               |
      | one digit shorter than | password too short |
      | one digit longer than  | password too long  |

  @negative
  Scenario: A wrong old TUI password is refused as a mismatch
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it changes the TUI password of "alice" giving a wrong old one
    Then the change is answered NO "old password mismatch"
    And the TUI password of "alice" is unchanged

  @negative
  Scenario: A TUI password with other characters than digits is refused
    Given a VVM test client has logged in as the MSISDN of "alice" with the password of "alice"
    When it changes the TUI password of "alice" to one with a letter in it
    Then the change is answered NO "password contains invalid characters"
    And the TUI password of "alice" is unchanged

  @negative
  Scenario: XCHANGE_TUI_PWD before authentication is refused
    When a VVM test client that has not logged in changes the TUI password of "alice"
    Then the change is refused
