@EVVM-CONT-01
Feature: EVVM-CONT-01 Encrypting all voicemail contents for confidentiality
  OMA EVVM AD §6.4 Security Considerations, Security of Voice Mail Contents (CR-SEC):
  "Regarding voicemail contents, the EVVM Enabler SHALL support the following security-related
  functionalities: · Encrypting the all voicemail contents or individual contents for confidentiality,"
  This feature covers "all voicemail contents". The mechanism is inferred [I]: S/MIME (RFC 8551), the
  whole voicemail enveloped for the mailbox owner's device, end to end: the EVVM Server stores ciphertext
  it cannot read; only the message headers VVM lists voicemail by stay in clear (docs/content-security.md).

  Background:
    Given the EVVM Server protects voicemail for the mailbox "alice", whose device holds the decryption key

  @positive
  Scenario Outline: The whole voicemail is enveloped for the device of the mailbox owner (<suite> algorithms)
    Given the service provider's policy encrypts whole voicemails with the <suite> algorithms
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Server stored the voicemail enveloped whole for the device of "alice" only
    And the voicemail was served over IMAP exactly as stored
    And the EVVM Client of "alice" decrypts the voicemail to what the caller left, byte for byte
    And the EVVM Client of "alice" plays the voicemail

    Examples:
      | suite   |
      | modern  |
      | classic |

  @positive
  Scenario: A device with an EC key receives the voicemail by ECDH key agreement
    Given the device of "alice" holds an EC key
    And the service provider's policy encrypts whole voicemails with the modern algorithms
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Server stored the voicemail enveloped whole for the device of "alice" only
    And the EVVM Client of "alice" decrypts the voicemail to what the caller left, byte for byte
    And the EVVM Client of "alice" plays the voicemail

  @negative
  Scenario Outline: The device key of another mailbox does not decrypt the voicemail (<suite> algorithms)
    Given the service provider's policy encrypts whole voicemails with the <suite> algorithms
    When a caller without a key leaves a voicemail for "alice"
    And the voicemail of "alice" is retrieved over IMAP and opened with the device key of "bob"
    Then the device key of "bob" does not reveal the audio of the voicemail
    And the EVVM Client reports the voicemail instead of playing it

    Examples:
      | suite   |
      | modern  |
      | classic |

  @negative
  Scenario Outline: One flipped byte of the encrypted voicemail is detected (<suite> algorithms)
    Given the service provider's policy encrypts whole voicemails with the <suite> algorithms
    And an attacker with write access to the message store flips one byte of the encrypted content
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as tampered instead of playing it

    Examples:
      | suite   |
      | modern  |
      | classic |

  @negative
  Scenario: A voicemail stored in clear although the policy asks for encryption is reported
    Given the service provider's policy encrypts whole voicemails with the modern algorithms
    But the EVVM Server is misconfigured to store voicemail signed but in clear
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as not encrypted instead of playing it
