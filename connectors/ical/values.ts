// Checks an ICS document's date and recurrence values before ical.js reads them: ical.js
// rolls impossible dates over (Feb 30 → Mar 2), accepts COUNT=-5, and reports a bad BYDAY
// without its line. Each problem here names the line of its own property.

export interface ValueProblem {
  line: number;
  message: string;
}

interface LogicalLine {
  line: number;
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Unfolds continuation lines (RFC 5545 §3.1), keeping each property's first physical line. */
const logicalLines = (text: string): LogicalLine[] => {
  const out: { line: number; raw: string }[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    if (/^[ \t]/.test(raw) && out.length) out[out.length - 1]!.raw += raw.slice(1);
    else if (raw.trim()) out.push({ line: index + 1, raw });
  });
  return out.map(({ line, raw }) => {
    const colon = raw.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const head = colon < 0 ? raw : raw.slice(0, colon);
    const [name = '', ...params] = head.split(';');
    return {
      line,
      name: name.trim().toUpperCase(),
      params: Object.fromEntries(params.map((param) => [param.split('=')[0]!.toUpperCase(), param.slice(param.indexOf('=') + 1).replace(/^"|"$/g, '')])),
      value: colon < 0 ? '' : raw.slice(colon + 1).trim(),
    };
  });
};

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/i;

/** Why a DATE or DATE-TIME value is not a real instant (Feb 30, month 13, 25:00), or undefined. */
export const badDateValue = (value: string): string | undefined => {
  const match = DATE_TIME.exec(value) ?? DATE.exec(value);
  if (!match) return `expected a DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS, Z for UTC), got ${JSON.stringify(value)}`;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  if (month! < 1 || month! > 12 || date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day)
    return `no such date ${JSON.stringify(value)} (month ${month}, day ${day})`;
  if (hour > 23 || minute > 59 || second > 60) return `no such time of day in ${JSON.stringify(value)}`;
  return undefined;
};

const DATE_PROPERTIES = new Set(['DTSTART', 'DTEND', 'DUE', 'RECURRENCE-ID', 'RDATE', 'EXDATE', 'DTSTAMP', 'CREATED', 'LAST-MODIFIED']);
const DURATION = /^[+-]?P(\d+W|(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$/i;

const dateProblems = ({ name, params, value }: LogicalLine): string[] =>
  value.split(',').flatMap((item) => {
    if (params.VALUE?.toUpperCase() === 'PERIOD' || item.includes('/')) {
      const [start = '', end = ''] = item.split('/');
      const bad = [badDateValue(start), DURATION.test(end) ? undefined : badDateValue(end)].filter(Boolean);
      return bad.map((why) => `${name}: ${why}`);
    }
    const why = badDateValue(item);
    return why ? [`${name}: ${why}`] : [];
  });

export const FREQUENCIES = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
const WEEKDAY = /^(SU|MO|TU|WE|TH|FR|SA)$/;

const integerList =
  (min: number, max: number, signed: boolean) =>
  (value: string): string | undefined => {
    for (const item of value.split(',')) {
      const number = /^[+-]?\d{1,3}$/.test(item) ? Number(item) : NaN;
      const magnitude = Math.abs(number);
      if (!Number.isInteger(number) || (!signed && number < 0) || magnitude < min || magnitude > max)
        return `expected ${signed ? `±${min}…${max}` : `${min}…${max}`}, got ${JSON.stringify(item)}`;
    }
    return undefined;
  };

const positive = (value: string): string | undefined =>
  /^\d{1,9}$/.test(value) && Number(value) > 0 ? undefined : `expected a positive whole number, got ${JSON.stringify(value)}`;

const RULE_PARTS: Record<string, (value: string) => string | undefined> = {
  FREQ: (value) => ((FREQUENCIES as readonly string[]).includes(value.toUpperCase()) ? undefined : `expected one of ${FREQUENCIES.join(', ')}, got ${JSON.stringify(value)}`),
  COUNT: positive,
  INTERVAL: positive,
  UNTIL: badDateValue,
  BYSECOND: integerList(0, 60, false),
  BYMINUTE: integerList(0, 59, false),
  BYHOUR: integerList(0, 23, false),
  BYDAY: (value) => {
    for (const item of value.split(',')) {
      const match = /^([+-]?\d{1,2})?([A-Z]{2})$/i.exec(item);
      const ordinal = match?.[1] === undefined ? 1 : Math.abs(Number(match[1]));
      if (!match || !WEEKDAY.test(match[2]!.toUpperCase()) || ordinal < 1 || ordinal > 53)
        return `expected weekdays such as MO, -1SU or 2TU, got ${JSON.stringify(item)}`;
    }
    return undefined;
  },
  BYMONTHDAY: integerList(1, 31, true),
  BYYEARDAY: integerList(1, 366, true),
  BYWEEKNO: integerList(1, 53, true),
  BYMONTH: integerList(1, 12, false),
  BYSETPOS: integerList(1, 366, true),
  WKST: (value) => (WEEKDAY.test(value.toUpperCase()) ? undefined : `expected a weekday (MO, SU…), got ${JSON.stringify(value)}`),
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Why a rule's BYMONTH and BYMONTHDAY can never meet (Feb 30, Apr 31), or undefined. */
const neverOccurs = (parts: ReadonlyMap<string, string>): string | undefined => {
  const days = parts.get('BYMONTHDAY')?.split(',').map(Number);
  if (!days?.every(Number.isInteger)) return undefined;
  const months = (parts.get('BYMONTH')?.split(',').map(Number) ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).filter((month) => month >= 1 && month <= 12);
  const possible = months.some((month) => days.some((day) => Math.abs(day) <= DAYS_IN_MONTH[month - 1]!));
  return possible || !months.length ? undefined : `BYMONTHDAY=${parts.get('BYMONTHDAY')} does not exist in ${parts.has('BYMONTH') ? `BYMONTH=${parts.get('BYMONTH')}` : 'any month'}`;
};

/** Problems of one RRULE/EXRULE value; `observance` rules (a VTIMEZONE's) must be YEARLY. */
export const ruleProblems = (name: string, value: string, observance: boolean): string[] => {
  const problems: string[] = [];
  const parts = new Map<string, string>();
  for (const part of value.split(';').filter(Boolean)) {
    const [key = '', ...rest] = part.split('=');
    const upper = key.toUpperCase();
    const check = RULE_PARTS[upper];
    if (!check || !rest.length) {
      problems.push(`${name}: unknown rule part ${JSON.stringify(part)}`);
      continue;
    }
    if (parts.has(upper)) problems.push(`${name}: ${upper} given twice`);
    parts.set(upper, rest.join('='));
    const why = check(rest.join('='));
    if (why) problems.push(`${name}: ${upper}: ${why}`);
  }
  if (!parts.has('FREQ')) problems.push(`${name}: FREQ is required`);
  if (parts.has('COUNT') && parts.has('UNTIL')) problems.push(`${name}: COUNT and UNTIL must not both be given`);
  const never = neverOccurs(parts);
  if (never) problems.push(`${name}: never occurs: ${never}`);
  const freq = parts.get('FREQ')?.toUpperCase();
  if (observance && freq && freq !== 'YEARLY')
    problems.push(`${name}: a time zone observance changes at most yearly (FREQ=YEARLY), got FREQ=${freq}`);
  return problems;
};

/** Every bad date or recurrence value of the document, each at its own line. */
export const valueProblems = (text: string): ValueProblem[] => {
  const problems: ValueProblem[] = [];
  const stack: string[] = [];
  for (const entry of logicalLines(text)) {
    if (entry.name === 'BEGIN') stack.push(entry.value.toUpperCase());
    else if (entry.name === 'END') stack.pop();
    else if (DATE_PROPERTIES.has(entry.name)) for (const message of dateProblems(entry)) problems.push({ line: entry.line, message });
    else if (entry.name === 'RRULE' || entry.name === 'EXRULE') {
      const observance = ['STANDARD', 'DAYLIGHT'].includes(stack.at(-1) ?? '');
      for (const message of ruleProblems(entry.name, entry.value, observance)) problems.push({ line: entry.line, message });
    }
  }
  return problems;
};
