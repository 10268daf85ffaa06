/** generic_nack (§4.3): the answer to a PDU with an invalid command_length or an unknown command_id. */
export { empty as genericNack } from './empty';
