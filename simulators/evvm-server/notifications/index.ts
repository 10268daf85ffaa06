export { EvvmServerSms, type EvvmServerSmsOptions, type EvvmServerSmsObservations, type NotificationObservation, type MoObservation } from './sms-interface';
export { digitsOf, type SubscriberSpec, type SubscriberView } from './subscribers';
