/**
 * The versions of each event type and the version each subscriber reads.
 *
 * Every pair that can meet at delivery, a registered version as the writer and a subscriber's
 * version as the reader, must be compatible. The registry checks the pairs a change adds when the
 * change is made (a new version, a new subscriber), so a breaking schema is refused at deploy time
 * with the field and the subscribers it breaks, instead of filling dead letters later.
 * In memory and synchronous: durable subscriptions belong to the bus.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, DuplicateNameError, IncompatibleSchemaError, UnknownEventTypeError } from '../core/errors.js';
import { checkCompatible } from './compatibility.js';
import type { EventContract } from './event-contract.js';

export interface EventSubscriber {
  subscriber: string;
  /** The contract version the subscriber validates what it receives against. */
  version: number;
}

interface EventTypeEntry {
  readonly versions: Map<number, EventContract>;
  /** Subscriber name → the version it reads. */
  readonly readers: Map<string, number>;
}

/**
 * @example
 * const events = new EventRegistry();
 * events.subscribe('billing', OrderPlacedV1);
 * events.register(OrderPlacedV2); // throws IncompatibleSchemaError if billing cannot read v2
 */
export class EventRegistry {
  readonly #types = new Map<string, EventTypeEntry>();

  /**
   * Adds a version of an event type. Registering the same type, version and schema again does
   * nothing; another schema under a registered version is a DuplicateNameError.
   * @throws IncompatibleSchemaError when a subscriber's declared version cannot read it
   */
  register(contract: EventContract): void {
    if (this.#isRegistered(contract)) return;
    this.#assertReadersCanRead(contract);
    this.#entry(contract.type).versions.set(contract.version, contract);
  }

  /**
   * Records that `subscriber` reads `contract`'s version of its type (replacing the version it
   * read before) and registers that version.
   * @throws IncompatibleSchemaError when a registered version of the type cannot be read as it
   */
  subscribe(subscriber: string, contract: EventContract): void {
    if (typeof subscriber !== 'string' || subscriber.trim() === '') {
      throw new ConfigError(`subscribe('${contract.type}'): 'subscriber' must be a non-empty name, e.g. 'billing'`);
    }
    const registered = this.#isRegistered(contract);
    for (const writer of this.#types.get(contract.type)?.versions.values() ?? []) {
      this.#assertCompatible(writer, contract, [subscriber]);
    }
    // The subscriber's own current version is being replaced: it no longer has to read the new one.
    if (!registered) this.#assertReadersCanRead(contract, subscriber);
    const entry = this.#entry(contract.type);
    entry.versions.set(contract.version, contract);
    entry.readers.set(subscriber, contract.version);
  }

  /** The contract of one version, or undefined. */
  version(type: string, version: number): EventContract | undefined {
    return this.#types.get(type)?.versions.get(version);
  }

  /** The highest registered version, or undefined. */
  latest(type: string): EventContract | undefined {
    return this.versions(type).at(-1);
  }

  /** The registered event types, sorted. */
  types(): string[] {
    return [...this.#types.keys()].sort();
  }

  /** Every registered version, oldest first. */
  versions(type: string): EventContract[] {
    const versions = [...(this.#types.get(type)?.versions.values() ?? [])];
    return versions.sort((a, b) => a.version - b.version);
  }

  subscribers(type: string): EventSubscriber[] {
    return [...(this.#types.get(type)?.readers ?? [])].map(([subscriber, version]) => ({ subscriber, version }));
  }

  /**
   * The contract of a version (the latest when `version` is left out).
   * @throws UnknownEventTypeError when the type or the version is not registered
   */
  contract(type: string, version?: number): EventContract {
    const versions = this.versions(type);
    if (versions.length === 0) {
      const known = [...this.#types.keys()].sort();
      throw new UnknownEventTypeError(
        type,
        `unknown event type '${type}'; ${known.length === 0 ? 'no event types are registered' : `known types: ${known.join(', ')}`}. Register it with defineEvent('${type}', schema) and registry.register(...)`,
      );
    }
    const contract = version === undefined ? versions.at(-1) : versions.find((c) => c.version === version);
    if (contract === undefined) {
      throw new UnknownEventTypeError(
        type,
        `event '${type}' has no version ${version}; registered versions: ${versions.map((c) => c.version).join(', ')}`,
      );
    }
    return contract;
  }

  #entry(type: string): EventTypeEntry {
    let entry = this.#types.get(type);
    if (entry === undefined) {
      entry = { versions: new Map(), readers: new Map() };
      this.#types.set(type, entry);
    }
    return entry;
  }

  /** True when this exact version is registered; a different schema under its version is refused. */
  #isRegistered(contract: EventContract): boolean {
    const existing = this.version(contract.type, contract.version);
    if (existing === undefined) return false;
    if (existing === contract || isDeepStrictEqual(existing.schema, contract.schema)) return true;
    throw new DuplicateNameError(
      `event '${contract.type}' v${contract.version} is already registered with another schema ` +
        `(registered: ${brief(existing.schema)}; new: ${brief(contract.schema)}); give the changed schema a new version`,
    );
  }

  /** Every subscriber's version (but `except`'s) must read `writer`. */
  #assertReadersCanRead(writer: EventContract, except?: string): void {
    const entry = this.#types.get(writer.type);
    if (entry === undefined) return;
    const byVersion = new Map<number, string[]>();
    for (const [subscriber, version] of entry.readers) {
      if (subscriber !== except) byVersion.set(version, [...(byVersion.get(version) ?? []), subscriber]);
    }
    for (const [version, subscribers] of [...byVersion].sort(([a], [b]) => a - b)) {
      this.#assertCompatible(writer, entry.versions.get(version)!, subscribers);
    }
  }

  #assertCompatible(writer: EventContract, reader: EventContract, subscribers: readonly string[]): void {
    const incompatibilities = checkCompatible(writer.schema, reader.schema);
    if (incompatibilities.length === 0) return;
    throw new IncompatibleSchemaError({
      eventType: writer.type,
      writerVersion: writer.version,
      readerVersion: reader.version,
      subscribers,
      incompatibilities,
    });
  }
}

/** A schema short enough for a one-line message. */
function brief(schema: unknown): string {
  const json = JSON.stringify(schema);
  return json.length <= 200 ? json : `${json.slice(0, 197)}...`;
}
