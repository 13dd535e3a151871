/**
 * Reading requests: JSON bodies and query parameters, checked, with errors that name the field
 * and say what to give instead (RequestError, a 400).
 */
import { RequestError } from './http-errors.js';

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // On one line: the message may quote the input around the error.
    const reason = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new RequestError('REQUEST_INVALID', `the request body is not JSON: ${reason}`);
  }
}

export function jsonObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestError('REQUEST_INVALID', 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The fields of a request body that may be empty (`{}`) or else must be a JSON object. */
export function optionalJsonObject(text: string): Record<string, unknown> {
  return text.trim() === '' ? {} : jsonObject(text);
}

export function field(
  body: Record<string, unknown>,
  name: string,
  type: 'string' | 'number' | 'object',
  what: string,
): unknown {
  const value = body[name];
  const ok =
    type === 'object'
      ? typeof value === 'object' && value !== null && !Array.isArray(value)
      : type === 'number'
        ? Number.isSafeInteger(value) && (value as number) >= 1
        : typeof value === 'string' && value !== '';
  if (!ok) {
    const expected =
      type === 'object' ? 'a JSON object' : type === 'number' ? 'a whole number >= 1' : 'a non-empty string';
    throw new RequestError(
      'REQUEST_INVALID',
      `${name}: ${value === undefined ? 'missing' : `${JSON.stringify(value)} is not ${expected}`}; give ${what} as ${expected}`,
    );
  }
  return value;
}

export function optionalVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const version = Number(text);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RequestError('REQUEST_INVALID', `version: '${text}' must be a whole number >= 1`);
  }
  return version;
}

/** A whole-number query parameter within [min, max], `fallback` when absent. */
export function wholeNumberParam(
  text: string | undefined,
  name: string,
  { fallback, min, max }: { fallback: number; min: number; max: number },
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RequestError('REQUEST_INVALID', `${name}: '${text}' is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A query parameter that, when given, must not be empty. */
export function textParam(text: string | undefined, name: string): string | undefined {
  if (text === undefined || text.trim() !== '') return text;
  throw new RequestError('REQUEST_INVALID', `${name}: empty; give a value, or leave the parameter out`);
}
