// Every clause that provides its roles in containers registers them here; one line per file.
import './sms';
import './content';
import './interworking';
import './message-storage';
