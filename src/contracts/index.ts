/**
 * Event contracts: the schema of each event type, its versions, and which versions can read which.
 * Re-exported from the package root; TypeBox itself is imported by users from 'typebox'.
 */
export { checkCompatible, type Incompatibility } from './compatibility.js';
export { defineEvent, type EventContract, type EventContractOptions } from './event-contract.js';
export { EventRegistry, type EventSubscriber } from './event-registry.js';
export type { JsonSchema } from './json-schema.js';
