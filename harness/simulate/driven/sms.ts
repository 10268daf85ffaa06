// The sms clause's driven routes (container side): see harness/simulate/driven/core.ts for the pattern.
export {};
