import { slice } from './slice';

slice(['vvm-sms', 'control', 'profile']);
