export { Smsc, type SmscOptions } from './smsc';
export { AccountTable, msisdnAddress, shortCodeAddress, type SmscAccountSpec, type SmscAddress } from './accounts';
export type { SmscObservations, BindObservation, SubmissionObservation, DeliveryObservation, MalformedObservation } from './observations';
