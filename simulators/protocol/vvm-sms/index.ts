export * from './fields';
export { parseNotification, parseNotificationLax, splitNotification, notificationKeys, type VvmNotification, type SyncNotification, type StatusNotification, type ParseOutcome, type ParseOptions } from './parse';
export { encodeSync, encodeStatus, vvmDate, redactVvmSecrets, VvmEncodingError, type SyncFields, type StatusFields } from './encode';
export { parseMo, encodeMo, type MoCommand, type MoParseOutcome } from './mo';
export { renderShortMessage } from './render';
