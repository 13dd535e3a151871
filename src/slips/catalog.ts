/**
 * A catalog: the names of the activities hosted somewhere. A slip addressed to an activity nobody
 * hosts is not an error the bus can see — its execute event waits in the log until a host of that
 * name starts (slip events are durable messages, like a queue nobody reads yet). A builder or a
 * host given a catalog refuses unknown names up front instead, with a suggestion for a typo.
 */

import { UnknownActivityError } from '../core/errors.js';
import { closestName } from '../core/suggest.js';

/** Activity names, or the activities themselves. */
export type Catalog = readonly (string | { readonly name: string })[];

export function catalogNames(catalog: Catalog | undefined): ReadonlySet<string> | undefined {
  return catalog && new Set(catalog.map((entry) => (typeof entry === 'string' ? entry : entry.name)));
}

/** Throws UnknownActivityError when a catalog is given and `name` is not in it. */
export function checkCataloged(name: string, names: ReadonlySet<string> | undefined): void {
  if (names === undefined || names.has(name)) return;
  throw new UnknownActivityError(name, [...names].sort(), closestName(name, names));
}
