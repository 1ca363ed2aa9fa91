// Times are ISO 8601 with an offset everywhere (inventory, ledger, schedule, --now): one parser for all.

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Recently parsed values (a ledger repeats its times): milliseconds, or NaN for "not a time". */
const recent = new Map<string, number>();
const RECENT_MAX = 4096;

/** The instant of an ISO 8601 time with an offset, or undefined when it is not one (or not a real date). */
export const parseIsoWithOffset = (value: string): Date | undefined => {
  let ms = recent.get(value);
  if (ms === undefined) {
    ms = parseUncached(value)?.getTime() ?? NaN;
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(value, ms);
  }
  return Number.isNaN(ms) ? undefined : new Date(ms);
};

const parseUncached = (value: string): Date | undefined => {
  const match = ISO_WITH_OFFSET.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zulu, sign, offsetHours, offsetMinutes = '00'] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject what Date would silently roll over (Feb 30, 24:30).
  if (wall.getUTCFullYear() !== y || wall.getUTCMonth() !== mo - 1 || wall.getUTCDate() !== d || wall.getUTCHours() !== h || wall.getUTCMinutes() !== mi)
    return undefined;
  if (!zulu && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return undefined;
  if (s > 59) return undefined;
  const offsetMs = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  // Milliseconds from the fraction, truncated as Date's own parser does.
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000 + 1e-9) : 0;
  const instant = new Date(wall.getTime() + millis - offsetMs);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
};
