// Each clause's embedded roles register themselves when imported; add one line per clause.
export {};
import './message-storage';
import './interworking';
import './sms';
import './content';
import './tls-versions';
