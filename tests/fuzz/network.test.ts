import { slice } from './slice';

slice(['imap', 'smtp', 'smpp']);
