// When an occurrence ends. ical.js measures a DTEND event's length in absolute time and adds it
// as wall-clock time, so a weekly 09:00→09:00 Europe/Berlin handoff whose week spans a DST change
// ends at 10:00 local, an hour after its own DTEND. Here an instance lasts the wall-clock length of
// its event (DTEND − DTSTART in their zone): every handoff stays at the local time the calendar names.
import type ICAL from 'ical.js';

export const occurrenceEnd = (details: ReturnType<ICAL.Event['getOccurrenceDetails']>): ICAL.Time => {
  const item = details.item;
  const start = item.startDate;
  const end = item.component.hasProperty('dtend') ? item.endDate : undefined;
  // DURATION is already nominal; DATE values and mixed zones keep ical.js's answer.
  if (!end || start.isDate || end.isDate || start.zone?.tzid !== end.zone?.tzid || details.startDate.zone?.tzid !== start.zone?.tzid) return details.endDate;
  const computed = details.startDate.clone();
  computed.addDuration(end.subtractDate(start));
  return computed;
};
