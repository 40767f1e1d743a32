/**
 * The bell's unread count: the page's own count when it loads, then the `notification:count`
 * events the server sends to the person's room (on connection too, so a reconnect catches up).
 * A rise is also put into words for the polite live region.
 */
import { realtime } from './realtime.svelte';
import { UNREAD_CAP } from '$lib/shared/notifications';

class NotificationBell {
	unread = $state(0);
	/** What the live region says; set only when the count rises while the page is open. */
	announcement = $state('');
	/** Bumped on every live change, so the notifications page can reload its list. */
	version = $state(0);
	#started = false;

	/** Takes the count from freshly loaded page data. */
	seed(unread: number): void {
		this.unread = unread;
	}

	start(): void {
		if (this.#started) return;
		this.#started = true;
		realtime.connect().on('notification:count', ({ unread }) => {
			if (unread > this.unread)
				this.announcement =
					unread >= UNREAD_CAP
						? 'More than 99 unread notifications'
						: `${unread} unread notification${unread === 1 ? '' : 's'}`;
			if (unread !== this.unread) this.version++;
			this.unread = unread;
		});
	}
}

export const notificationBell = new NotificationBell();

/** "3", or "99+" past the cap. */
export function unreadLabel(unread: number): string {
	return unread >= UNREAD_CAP ? '99+' : String(unread);
}
