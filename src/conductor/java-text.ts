/**
 * The text Conductor produces when it interpolates a value into a string.
 *
 * Conductor (Java) builds the string with `Objects.toString(value)`, so a value read from the
 * document prints the way Java prints it, not as JSON: an object becomes `{key=value, other=1}`, a
 * list `[a, b]` (strings unquoted), a fractional number `1.0E-4`. Conductor's users meet this
 * (Netflix/conductor#2071, #2142). The results of indefinite JSONPaths (filters, wildcards, `..`)
 * are json-smart `JSONArray`s whose `toString()` is compact JSON, with `/` escaped as `\/`.
 *
 * JSON cannot tell `2.0` from `2` once parsed in JavaScript, so an integral number always prints
 * as an integer here, where Conductor prints `2.0` for a value that was written `2.0`.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Java's `Double.toString`: plain decimals in [10⁻³, 10⁷), otherwise `d.dddE±n`; always a fraction part. */
export function javaDouble(n: number): string {
  if (Object.is(n, 0)) return '0.0';
  if (Object.is(n, -0)) return '-0.0';
  const magnitude = Math.abs(n);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(n);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa = '', exponent = ''] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** A number as Jackson-read Java numbers print: integral values as `Long`/`BigInteger`, others as `Double`. */
export function javaNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return javaDouble(n);
}

/** `Objects.toString(value)` of a value Jackson read from JSON (`LinkedHashMap`, `ArrayList`…). */
export function javaToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return javaNumber(value);
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}=${javaToString(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** json-smart writes these as \uXXXX besides the usual escapes (its "4Web" style). */
function escapedAsUnicode(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || (code >= 0x2000 && code <= 0x20ff);
}

function jsonSmartQuote(text: string): string {
  let quoted = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) quoted += short;
    else if (escapedAsUnicode(code)) quoted += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else quoted += ch;
  }
  return `${quoted}"`;
}

/** json-smart's compact JSON, what a `JSONArray` of JSONPath results prints as. */
export function jsonSmartString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return jsonSmartQuote(value);
  if (typeof value === 'number') return javaNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(jsonSmartString).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${jsonSmartQuote(key)}:${jsonSmartString(item)}`)
      .join(',')}}`;
  }
  return jsonSmartQuote(String(value));
}
