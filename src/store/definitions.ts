/**
 * The definitions part of the store port: Conductor workflow and task definitions, kept by kind,
 * name and version, so that a registry (src/conductor/registry.ts) outlives the process. Same
 * contract as the rest of the port (store.ts): domain operations, the definition as JSON text
 * (already validated by the caller), writes durable when resolved.
 *
 * Model
 * - A definition is identified by kind, name and version; the two kinds are separate namespaces.
 * - Task definitions have no versions in Conductor (its metadata API keys them by name): callers
 *   store them at version 1, always.
 * - Registering never overwrites silently: the same body again changes nothing, a different body
 *   under a stored name and version is a conflict (the stored one is kept and returned), and
 *   only an explicit `replace` overwrites (Conductor's PUT /metadata/workflow).
 * - "The same body" is the same text: callers that want another notion of sameness (key order)
 *   compare before they write.
 *
 * What it leaves out: deleting definitions (Conductor's DELETE /metadata/workflow/{name}/{version})
 * and any history of replaced bodies.
 */

/** Conductor's workflow and task definitions, and its event handlers (kept under version 1). */
export type DefinitionKind = 'workflow' | 'task' | 'event-handler';

export interface NewDefinition {
  kind: DefinitionKind;
  name: string;
  /** A whole number; 1 for every task definition. */
  version: number;
  /** The definition as JSON text. */
  body: string;
  /** Epoch milliseconds. */
  registeredAt: number;
}

/** A stored definition; `registeredAt` is when its current body was registered. */
export type DefinitionRecord = NewDefinition;

export interface PutDefinitionOptions {
  /** Overwrite a different body stored under the same kind, name and version. @default false */
  replace?: boolean;
}

/**
 * - created: nothing was stored under this kind, name and version; now the definition is.
 * - unchanged: the same body was stored already; nothing was written.
 * - replaced: a different body was stored and `replace` overwrote it.
 * - conflict: a different body is stored and was kept (no `replace`); nothing was written.
 */
export type PutOutcome = 'created' | 'unchanged' | 'replaced' | 'conflict';

export interface PutDefinitionResult {
  outcome: PutOutcome;
  /** What is stored under this kind, name and version after the call: for a conflict, the existing definition. */
  definition: DefinitionRecord;
}

export interface DefinitionQuery {
  /** Only the versions of this name. */
  name?: string;
}

export interface DefinitionStore {
  /** Stores a definition unless it conflicts with a stored one (see PutOutcome); durable when resolved. */
  putDefinition(definition: NewDefinition, options?: PutDefinitionOptions): Promise<PutDefinitionResult>;
  /** One definition; without `version`, the one with the highest version number. */
  getDefinition(kind: DefinitionKind, name: string, version?: number): Promise<DefinitionRecord | undefined>;
  /** The definitions of a kind, by name then version (both ascending). */
  listDefinitions(kind: DefinitionKind, query?: DefinitionQuery): Promise<DefinitionRecord[]>;
}

/**
 * What a put does, given what is stored under its kind, name and version: the rule every adapter
 * applies inside its write, so that they cannot drift.
 */
export function putOutcome(existing: DefinitionRecord | undefined, next: NewDefinition, replace: boolean): PutOutcome {
  if (existing === undefined) return 'created';
  if (existing.body === next.body) return 'unchanged';
  return replace ? 'replaced' : 'conflict';
}
