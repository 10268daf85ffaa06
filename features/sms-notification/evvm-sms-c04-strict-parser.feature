@EVVM-SMS-C04 @candidate
Feature: EVVM-SMS-C04 Malformed notifications are rejected without state change
  Candidate requirement (spec.md b.3 and the negative corpus of §c.6; AOSP "Unparsable VVM SMS received,
  ignoring"; field limits of VVM 1.2), not EVVM spec text: "Prefix and syntax validation: malformed
  notifications are rejected without state change." Each malformed notification below comes from the EVVM
  Server's number on the VVM application port, so only the parser stands in its way.

  Background:
    Given the SMSC serves the EVVM Server and the handset of "alice"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: A well-formed SYNC from the EVVM Server is parsed and acted on
    When a voicemail is deposited in the mailbox "alice"
    Then the EVVM Client of "alice" accepted a SYNC from the EVVM Server's number
    And the EVVM Client of "alice" synchronised with the EVVM Server

  @positive
  Scenario: A well-formed STATUS from the EVVM Server is parsed and acted on
    When the handset of "alice" asks the EVVM Server for its STATUS
    Then the EVVM Client of "alice" accepted a STATUS from the EVVM Server's number
    And the EVVM Client of "alice" authenticated the EVVM Server before it logged in

  @negative
  Scenario Outline: A notification with <defect> is rejected without state change
    When a fake base station sends "alice" the notification "<notification>" from the EVVM Server's number
    Then the EVVM Client of "alice" rejected the SMS as malformed
    And the EVVM Client of "alice" did not synchronise
    And the state of the EVVM Client of "alice" did not change

    Examples:
      | defect                      | notification                                                                                                  |
      | a wrong prefix              | //XVM:SYNC:ev=NM;id=1;c=1;t=v                                                                                 |
      | a wrong event               | //VVM:SYNCX:ev=NM;id=1;c=1;t=v                                                                                |
      | an unknown ev               | //VVM:SYNC:ev=ZZ;c=1                                                                                          |
      | no id in a new-message SYNC | //VVM:SYNC:ev=NM;c=1;t=v                                                                                      |
      | an id of 22 digits          | //VVM:SYNC:ev=NM;id=1234567890123456789012;c=1;t=v                                                            |
      | a c of six digits           | //VVM:SYNC:ev=NM;id=1;c=123456;t=v                                                                            |
      | a u of 51 characters        | //VVM:STATUS:st=R;rc=0;srv={srv};ipt={ipt};u=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;pw=x           |
      | a pw of 31 characters       | //VVM:STATUS:st=R;rc=0;srv={srv};ipt={ipt};u={msisdn};pw=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx                      |
      | a non-numeric port          | //VVM:STATUS:st=R;rc=0;srv={srv};ipt={ipt}i;u={msisdn};pw=x                                                    |
      | a separator injected in u   | //VVM:STATUS:st=R;rc=0;srv={srv};ipt={ipt};u={msisdn};srv=attacker.example;pw=x                                 |
      | an "=" injected in u        | //VVM:STATUS:st=R;rc=0;srv={srv};ipt={ipt};u={msisdn}=x;pw=x                                                   |
      | a duplicate key             | //VVM:STATUS:st=R;rc=0;srv={srv};srv=attacker.example;ipt={ipt};u={msisdn};pw=x                                 |
      | st=B with credentials       | //VVM:STATUS:st=B;rc=2;u={msisdn};pw=x                                                                         |
      | a control character         | //VVM:SYNC:ev=NM;id=1;c=1;t=v;s=\n                                                                            |
