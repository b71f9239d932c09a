// How times, durations and counts read on the page.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
// Halo's dates are days; shown in UTC so a date never shifts by the viewer's zone.
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const number = new Intl.NumberFormat();

export const formatNumber = (n) => (typeof n === 'number' ? number.format(n) : '–');

export function formatDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

export function formatDate(iso) {
  return iso ? dateOnly.format(new Date(iso)) : '–';
}

/** 5 s, 2 min 05 s, 1 h 04 min. */
export function formatDuration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '–';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function durationOf(sync, now = Date.now()) {
  const end = sync.finishedAt ? Date.parse(sync.finishedAt) : now;
  return formatDuration(end - Date.parse(sync.startedAt));
}

const statusLabels = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
export const statusLabel = (status) => statusLabels[status] ?? status;

const phaseLabels = {
  starting: 'Starting',
  planning: 'Counting records in Halo',
  customers: 'Customers',
  hardware: 'Hardware assets',
  software: 'Software licences',
  deletions: 'Checking for deletions',
  finishing: 'Finishing',
  completed: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};
export const phaseLabel = (phase) => phaseLabels[phase] ?? phase;

/** The three kinds a sync counts, in the order it syncs them, with the words people use. */
export const countKinds = [
  ['customers', 'Customers'],
  ['assets', 'Hardware'],
  ['software', 'Software'],
];

/** "600 seen · 12 new · 3 changed · 1 deleted", leaving out zeros after "seen". */
export function countsSummary(counts) {
  if (!counts) return '–';
  const parts = [`${formatNumber(counts.seen)} seen`];
  if (counts.created) parts.push(`${formatNumber(counts.created)} new`);
  if (counts.updated) parts.push(`${formatNumber(counts.updated)} changed`);
  if (counts.deleted) parts.push(`${formatNumber(counts.deleted)} deleted`);
  return parts.join(' · ');
}
