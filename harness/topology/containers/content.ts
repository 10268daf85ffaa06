// The content clause's roles in the container topology: see harness/topology/containers/topology.ts for the pattern.
export {};
