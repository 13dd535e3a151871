/**
 * `--events <module>` of `tutti server` and `tutti dev`: a JavaScript (or, run through tsx,
 * TypeScript) module whose default export (or `events` export) is an array of event contracts
 * (`defineEvent(…)`) or an object of them, e.g. `export default { OrderPlaced, OrderPlacedV2 }`.
 */
import type { EventContract } from '../contracts/event-contract.js';
import { ConfigError } from '../core/errors.js';
import { importModule } from './common.js';

/**
 * The module's contracts, checked to be contracts (not, say, TypeBox schemas) before the server
 * starts with them.
 * @example const events = await loadEventContracts('./events.mjs');
 */
export async function loadEventContracts(module: string): Promise<EventContract<any>[]> {
  const loaded = await importModule('--events', module);
  const exported = loaded.default ?? loaded.events;
  const entries: [string, unknown][] = Array.isArray(exported)
    ? exported.map((value, i) => [`[${i}]`, value])
    : typeof exported === 'object' && exported !== null
      ? Object.entries(exported).map(([name, value]) => [`.${name}`, value])
      : [];
  const what =
    `--events: '${module}' must export (as default or as 'events') an array of event contracts made with ` +
    'defineEvent(type, schema), or an object of them (export default { OrderPlaced })';
  if (entries.length === 0) {
    throw new ConfigError(`${what}; ${exported === undefined ? 'it exports neither' : 'it exports no contract'}`);
  }
  const bad = entries.find(([, value]) => !isContract(value));
  if (bad !== undefined) {
    const [at, value] = bad;
    throw new ConfigError(`${what}; its export${at} is ${describe(value)}, not a contract`);
  }
  return entries.map(([, contract]) => contract as EventContract<any>);
}

function isContract(value: unknown): value is EventContract {
  if (typeof value !== 'object' || value === null) return false;
  const contract = value as Partial<EventContract>;
  return (
    typeof contract.type === 'string' &&
    typeof contract.version === 'number' &&
    typeof contract.schema === 'object' &&
    typeof contract.validate === 'function'
  );
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
