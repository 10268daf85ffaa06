export * from './constants';
export { PduError } from './codec';
export { PduFramer, type FramingFault } from './framing';
export * from './pdu';
export { SmppConnection, type SmppConnectionOptions, type ResponseCallback } from './connection';
export { Esme, type EsmeOptions, type BindCredentials, type BindOutcome, type SubmitOutcome } from './esme';
export { parseUserData, portHeader, IE, type ApplicationPort, type UserData, type InformationElement } from './udh';
export { decodeText, encodeText } from './text';
export { Activity } from './activity';
