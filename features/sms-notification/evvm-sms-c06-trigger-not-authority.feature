@EVVM-SMS-C06 @candidate
Feature: EVVM-SMS-C06 A notification is a trigger, not an authority
  Candidate requirement [I] (spec.md b.3; AOSP fetches over authenticated IMAP after a SYNC), not EVVM spec
  text: "A notification is a trigger, not an authority: client state converges to the authenticated IMAP
  state." A SYNC claiming a voicemail or a count the server does not have creates nothing.

  Background:
    Given the SMSC serves the EVVM Server and the handset of "alice"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: After a SYNC for a new voicemail the EVVM Client holds what the EVVM Server holds
    When a voicemail is deposited in the mailbox "alice"
    Then the EVVM Client of "alice" synchronised with the EVVM Server
    And the voicemails of the EVVM Client of "alice" equal the mailbox "alice" on the EVVM Server

  @positive
  Scenario Outline: After a <update> notification the EVVM Client converges to the EVVM Server
    When the EVVM Server signals a <update> update to "alice"
    Then the EVVM Client of "alice" synchronised with the EVVM Server
    And the voicemails of the EVVM Client of "alice" equal the mailbox "alice" on the EVVM Server

    Examples:
      | update    |
      | mailbox   |
      | greetings |

  @negative
  Scenario Outline: A SYNC that claims <claim> creates nothing
    When a fake base station sends "alice" the notification "<notification>" from the EVVM Server's number
    Then the voicemails of the EVVM Client of "alice" equal the mailbox "alice" on the EVVM Server

    Examples:
      | claim                               | notification                                                                  |
      | a voicemail the server does not hold | //VVM:SYNC:ev=NM;id=999999;c=1;t=v;s=+15557777;dt=22/11/2026 09:00 +0000;l=30 |
      | 99 new voicemails                    | //VVM:SYNC:ev=NM;id=1;c=99;t=v                                                |
