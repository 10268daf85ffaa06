@PRAC-02 @practice
Feature: PRAC-02 The IMAP client handles a hostile server robustly
  Deployment practice (Project Zero, CVE-2019-8613: iOS IMAP NAMESPACE handling, found by fuzzing from a
  fake server), not EVVM spec text: "The IMAP client handles a hostile server robustly (malformed
  responses)." A server the EVVM Client trusts answers with malformed NAMESPACE and LIST responses,
  literals that lie about their length, endless continuations, a 100 MB literal, unsolicited responses
  and a slow drip. The client fails closed: no crash, no hang, and no partial mailbox taken for the whole.
  The sessions are generated from a seed: a failure names the seed and the case, which replay it.

  @positive
  Scenario: From a well-behaved EVVM Server the EVVM Client retrieves the whole mailbox
    When the EVVM Client retrieves the voicemail of "alice" from the EVVM Server over implicit TLS
    Then the EVVM Client retrieved the whole mailbox

  @negative @runs-alone
  Scenario: A hostile IMAP server in a thousand generated sessions
    When the EVVM Client meets a hostile IMAP server in 1000 generated sessions of seed 20261207
    Then the sessions covered every hostile behaviour
    And the EVVM Client failed closed in every session, without a crash or a hang and without partial state
