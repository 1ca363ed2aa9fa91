// A weekly handoff at 09:00 Europe/Berlin across the 25 October DST change, with an override of
// the week that starts on it: the shifts, and who is covered (or off call) on either side.
import { describe, expect, it } from 'vitest';
import { entitlement, grant, rulesOf } from '../../test/fixtures/builders.ts';
import { parseIcs } from './index.ts';

const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  'X-WR-CALNAME:platform',
  'BEGIN:VEVENT',
  'UID:rotation-ana',
  'DTSTART;TZID=Europe/Berlin:20261011T090000',
  'DTEND;TZID=Europe/Berlin:20261018T090000',
  'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3',
  'ATTENDEE:mailto:ana@example.com',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:rotation-ben',
  'DTSTART;TZID=Europe/Berlin:20261018T090000',
  'DTEND;TZID=Europe/Berlin:20261025T090000',
  'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2',
  'ATTENDEE:mailto:ben@example.com',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:rotation-ana',
  'RECURRENCE-ID;TZID=Europe/Berlin:20261025T090000',
  'DTSTART;TZID=Europe/Berlin:20261025T090000',
  'DTEND;TZID=Europe/Berlin:20261101T090000',
  'ATTENDEE:mailto:cem@example.com',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const shifts = parseIcs(ics, { file: 'platform.ics', window: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') } });

describe('a handoff and an override across a DST change (ICS)', () => {
  it('hands off at 09:00 local on both sides: 07:00Z in summer time, 08:00Z after', () => {
    expect(shifts.map((shift) => [shift.person, shift.start, shift.end])).toEqual([
      ['ana@example.com', '2026-10-11T07:00:00.000Z', '2026-10-18T07:00:00.000Z'],
      ['ana@example.com', '2026-11-08T08:00:00.000Z', '2026-11-15T08:00:00.000Z'],
      ['ben@example.com', '2026-10-18T07:00:00.000Z', '2026-10-25T08:00:00.000Z'],
      ['ben@example.com', '2026-11-01T08:00:00.000Z', '2026-11-08T08:00:00.000Z'],
      ['cem@example.com', '2026-10-25T08:00:00.000Z', '2026-11-01T08:00:00.000Z'],
    ]);
  });

  it('covers Ben until the handoff and Cem (the override) after it; Ben is off call past the grace', () => {
    const onCall = (who: string) => grant({ id: `G-${who}`, subject: `${who}@example.com`, system: 'github', target: 'acme', privilege: 'org-owner', kind: 'standing', onCall: 'platform', start: '2026-10-01T00:00:00Z', end: undefined, reviewBy: '2027-01-01T00:00:00Z' });
    const holds = (who: string) => entitlement({ principal: `github:acme/${who}`, system: 'github', target: 'acme', privilege: 'org-owner' });
    const people = { people: ['ana', 'ben', 'cem'].map((who) => ({ email: `${who}@example.com`, accounts: [`github:acme/${who}`] })) };
    const judge = (who: string, now: string) => rulesOf({ principals: [], entitlements: [holds(who)], grants: [onCall(who)], shifts, people, now });
    expect(judge('ben', '2026-10-25T07:59:00Z')).toEqual([]);
    expect(judge('ben', '2026-10-25T09:01:00Z')).toEqual(['off-call']);
    expect(judge('cem', '2026-10-25T08:00:00Z')).toEqual([]);
    expect(judge('ana', '2026-10-25T08:30:00Z')).toEqual(['off-call']);
  });
});
