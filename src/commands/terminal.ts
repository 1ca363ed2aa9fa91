// Text from outside (grant ids, schedule names, coverage errors, CSV headers, API messages)
// reaches a terminal or a CI log only through `terminalText`: control characters become
// visible escapes, so an ANSI/OSC sequence (cursor moves, OSC 8 hyperlinks, a title change),
// NUL or a bidirectional override is shown, never obeyed. Newlines and tabs stay.

import { withoutSecrets } from '../errors.ts';

// C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escape = (character: string): string => {
  const code = character.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** The text with every control character shown as `\xNN` / `\uNNNN` (inert in any terminal), and no credential dutybound holds. */
export const terminalText = (text: string): string => withoutSecrets(text).replace(UNSAFE, escape);

/** A copy of `value` with every string made inert (for renderers that write data into text: HTML, Markdown). */
export const inertStrings = <T>(value: T): T => {
  if (typeof value === 'string') return terminalText(value) as T;
  if (Array.isArray(value)) return value.map(inertStrings) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inertStrings(item)])) as T;
  return value;
};
