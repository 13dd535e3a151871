/**
 * The definitions of the in-memory store (definitions.ts): a map by kind, name and version.
 * Records are copied in and out, so a caller cannot change what is stored.
 */
import {
  type DefinitionKind,
  type DefinitionQuery,
  type DefinitionRecord,
  type NewDefinition,
  type PutDefinitionResult,
  putOutcome,
} from '../definitions.js';

export class MemoryDefinitions {
  private readonly records = new Map<string, DefinitionRecord>();

  put(definition: NewDefinition, replace: boolean): PutDefinitionResult {
    const key = keyOf(definition.kind, definition.name, definition.version);
    const existing = this.records.get(key);
    const outcome = putOutcome(existing, definition, replace);
    if (outcome === 'created' || outcome === 'replaced') this.records.set(key, { ...definition });
    return { outcome, definition: { ...(this.records.get(key) as DefinitionRecord) } };
  }

  get(kind: DefinitionKind, name: string, version?: number): DefinitionRecord | undefined {
    if (version !== undefined) {
      const found = this.records.get(keyOf(kind, name, version));
      return found && { ...found };
    }
    return this.list(kind, { name }).at(-1);
  }

  list(kind: DefinitionKind, query: DefinitionQuery = {}): DefinitionRecord[] {
    const found: DefinitionRecord[] = [];
    for (const record of this.records.values()) {
      if (record.kind !== kind || (query.name !== undefined && record.name !== query.name)) continue;
      found.push({ ...record });
    }
    // By code unit, not localeCompare: as SQLite's default (binary) collation orders ASCII names.
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
  }
}

function keyOf(kind: DefinitionKind, name: string, version: number): string {
  return `${kind}\u0000${name}\u0000${version}`;
}
