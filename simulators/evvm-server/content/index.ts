export { EvvmContentProtection, type ContentProtectionOptions, type MailboxDevices, type ProtectedDeposit } from './protection';
export { attackStoredVoicemail, describeAttack, STORE_ATTACKS, type StoreAttack, type AttackContext } from './store-attacks';
