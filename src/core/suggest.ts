/**
 * "Did you mean …?" for mistyped names: the closest known name by edit distance, when close
 * enough to be a likely typo or abbreviation (`taskRefName` → `taskReferenceName`).
 */

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** True when `short` is `long` with letters left out, first letter kept: `taskRefName` of `taskReferenceName`. */
function isAbbreviation(short: string, long: string): boolean {
  if (short.length < 3 || short[0] !== long[0]) return false;
  let at = 0;
  for (const ch of long) if (ch === short[at]) at++;
  return at === short.length;
}

/** The known name closest to `name` (case-insensitively), or undefined when none is plausibly meant. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(wanted, lower);
    const tolerance = Math.max(2, Math.floor(Math.max(wanted.length, lower.length) * 0.4));
    if (distance > tolerance && !isAbbreviation(wanted, lower)) continue;
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best?.name;
}

/** `: did you mean 'x'?` or '' — to end a message about an unknown name. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const closest = closestName(name, known);
  return closest === undefined ? '' : `: did you mean '${closest}'?`;
}
