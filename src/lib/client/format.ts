/** Dates and sizes as people read them, in their own locale and time zone. */

// Building an Intl formatter is far dearer than using one: make each once.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatWhen(iso: string, now: Date = new Date()): string {
	const date = new Date(iso);
	const minutes = Math.round((now.getTime() - date.getTime()) / 60_000);
	if (minutes < 1) return 'just now';
	if (minutes < 60) return `${minutes} min ago`;
	if (minutes < 24 * 60 && date.getDate() === now.getDate()) return timeOfDay.format(date);
	return dateAndTime.format(date);
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const calendarDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeZone: 'UTC' });

/** A calendar date stored as `YYYY-MM-DD` (a review date), the same day everywhere. */
export function formatDay(day: string): string {
	return calendarDay.format(new Date(`${day}T00:00:00Z`));
}
