export { openVoicemail, type OpenVoicemailOptions } from './open';
export { EvvmContentClient, EVIDENCE_MAX_BYTES, type ContentClientOptions, type OpenedRetrieval, type VoicemailRetriever } from './content-client';
export { summarise, type ContentReport, type ContentProblem, type ContentProblemCode, type SignatureSeen, type EnvelopeSeen } from './report';
