@PRAC-04 @practice
Feature: PRAC-04 SMPP bind field length limits
  Deployment practice (SMPP v3.4 bind fields, several SMSC implementations), not EVVM spec text: "SMPP
  bind field limits: system_id < 16 octets and password < 9 octets including NUL." The SMSC refuses an
  over-long system_id (ESME_RINVSYSID) or password (ESME_RINVPASWD) and binds nothing; it never cuts a
  value to its field, which would let "the password and anything after it" bind.

  Background:
    Given the SMSC serves the EVVM Server and the handset of "alice"

  @positive
  Scenario: A 15-octet system_id and an 8-octet password, the longest that fit, bind
    When the test ESME binds with its own system_id and password
    Then the SMSC bound the test ESME

  @negative
  Scenario Outline: The <field> <excess> too long is refused and nothing is bound
    When the test ESME binds with its own system_id and password, the <field> <excess> too long
    Then the SMSC refused the bind with "<status>" and bound nobody as the test ESME

    Examples:
      | field     | excess           | status         |
      | system_id | one octet        | ESME_RINVSYSID |
      | system_id | a hundred octets | ESME_RINVSYSID |
      | password  | one octet        | ESME_RINVPASWD |
      | password  | a hundred octets | ESME_RINVPASWD |
