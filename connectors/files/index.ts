// Desired-state sources read from files: the grant ledger, schedules (lists and ICS feeds) and the people map.
export { loadLedger } from './ledger.ts';
export { loadPeople } from './people.ts';
export { loadSchedules, type ScheduleOptions } from './schedule.ts';
