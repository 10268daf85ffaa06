export { Handset, type HandsetOptions, type ReceivedSms, type OverTheAirSms, type SmsListener } from './handset';
export { filterSms, type FilterPolicy, type FilterVerdict } from './filter';
export { VvmSmsClient, loopbackResolver, type VvmSmsClientOptions, type VvmSmsPolicy, type NotificationRecord, type SyncRecord, type ClientVvmState, type ClientVoicemail, type Verdict } from './vvm-sms-client';
