@EVVM-CONT-03
Feature: EVVM-CONT-03 Preserving the integrity of the voicemail
  OMA EVVM AD §6.4 Security Considerations, Security of Voice Mail Contents (CR-SEC):
  "Regarding voicemail contents, the EVVM Enabler SHALL support the following security-related
  functionalities: … · Preserving the integrity of the voicemail,"
  The mechanism is inferred [I]: an S/MIME signature (CMS SignedData, RFC 5652) over the voicemail,
  whose signed attributes also secure the message headers From, Date, Message-Context and
  Content-Duration (RFC 7508). The EVVM Client verifies before it plays, and reports tampering instead.

  Background:
    Given the EVVM Server protects voicemail for the mailbox "alice", whose device holds the decryption key

  @positive
  Scenario Outline: A signed voicemail verifies whole and unaltered (<suite> algorithms, <encryption>)
    Given the service provider's policy <encryption> with the <suite> algorithms
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client of "alice" verifies the signature over the voicemail and its headers
    And the EVVM Client of "alice" decrypts the voicemail to what the caller left, byte for byte
    And the EVVM Client of "alice" plays the voicemail

    Examples:
      | encryption                                  | suite   |
      | encrypts whole voicemails                   | modern  |
      | encrypts whole voicemails                   | classic |
      | signs voicemails but does not encrypt them  | modern  |
      | signs voicemails but does not encrypt them  | classic |

  @negative
  Scenario Outline: One flipped byte of the audio is detected (<suite> algorithms)
    Given the service provider's policy signs voicemails but does not encrypt them with the <suite> algorithms
    And an attacker with write access to the message store flips one byte of the audio
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as tampered instead of playing it

    Examples:
      | suite   |
      | modern  |
      | classic |

  @negative
  Scenario: A flipped byte under AES-CBC, which has no tag of its own, is caught by the signature
    Given the service provider's policy encrypts whole voicemails with the classic algorithms
    And an attacker with write access to the message store flips one byte of the encrypted content
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as tampered instead of playing it

  @negative
  Scenario Outline: An altered Content-Duration header is detected (<encryption>)
    Given the service provider's policy <encryption> with the modern algorithms
    And an attacker with write access to the message store changes the Content-Duration header
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as tampered instead of playing it

    Examples:
      | encryption                                  |
      | encrypts whole voicemails                   |
      | signs voicemails but does not encrypt them  |

  @negative
  Scenario Outline: A stripped signature is detected where the policy requires one (<encryption>)
    Given the service provider's policy <encryption> with the modern algorithms
    And the service provider's policy requires signed voicemails
    And an attacker with write access to the message store strips the signature
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as unsigned instead of playing it

    Examples:
      | encryption                                  |
      | encrypts whole voicemails                   |
      | signs voicemails but does not encrypt them  |
