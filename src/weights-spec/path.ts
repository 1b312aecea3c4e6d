import { escapeText } from '../errors.js';

/** Keys written as `.key` in a field path; any other key is quoted: `["evil\nkey"]`. */
const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * The path of field `key` of the object at `prefix` (`tensors[0]`; '' at the top), for error
 * messages and `detail.field`. Keys come from the user, so odd ones are quoted and escaped: a key
 * with a newline or a terminal escape cannot break the message's one line.
 */
export function fieldPath(prefix: string, key: string): string {
  if (PLAIN_KEY.test(key)) return prefix === '' ? key : `${prefix}.${key}`;
  return `${prefix}[${escapeText(JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key))}]`;
}
