/**
 * Realtime in the production build: socket.io is served by server/index.ts at /realtime, beside
 * SvelteKit, and its handlers are registered by the app bundle. A 'pong' proves both halves.
 */
import type { WebSocket } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import type {
	ClientToServerEvents,
	ServerToClientEvents
} from '../../src/lib/shared/realtime-events.ts';
import { sessionCookie, signIn } from './auth.ts';
import { expect, test, visit } from './fixtures.ts';

/** The indicator's text: a visually hidden prefix for screen readers, then the state. */
const indicatorText = (state: string) => new RegExp(`^\\s*Live updates: ${state}\\s*$`);

/** socket.io frames: "42" + optional ack id + JSON event; "43" + ack id + JSON ack arguments. */
const PING_FRAME = /^42\d+\["ping"\]$/;
const PONG_FRAME = /^43\d+\["pong"\]$/;

function frameText(payload: string | Buffer): string {
	return typeof payload === 'string' ? payload : payload.toString('utf8');
}

test.describe('in the browser', () => {
	test.beforeEach(async ({ page }) => {
		await signIn(page);
	});

	test('the shell shows Live after the server answered the ping over /realtime', async ({
		page
	}) => {
		const sockets: WebSocket[] = [];
		const sent: string[] = [];
		const received: string[] = [];
		page.on('websocket', (ws) => {
			sockets.push(ws);
			ws.on('framesent', ({ payload }) => sent.push(frameText(payload)));
			ws.on('framereceived', ({ payload }) => received.push(frameText(payload)));
		});

		await visit(page, '/feed');
		const status = page.getByRole('status');
		await expect(status).toHaveText(indicatorText('Live'));
		await expect(status).toHaveAttribute('data-status', 'live');

		expect(sockets.map((ws) => new URL(ws.url()).pathname)).toContain('/realtime/');
		expect(sent.some((frame) => PING_FRAME.test(frame))).toBe(true);
		expect(received.some((frame) => PONG_FRAME.test(frame))).toBe(true);
	});

	test('the indicator turns Live only once the pong arrives', async ({ page }) => {
		// Hold the page's ping back from the server until the test lets it through.
		const held: string[] = [];
		let release: (() => void) | undefined;
		await page.routeWebSocket(/\/realtime\//, (ws) => {
			const server = ws.connectToServer();
			ws.onMessage((message) => {
				if (typeof message === 'string' && PING_FRAME.test(message) && !release) {
					held.push(message);
					release = () => server.send(message);
					return;
				}
				server.send(message);
			});
		});

		// Not `visit`: the browser gives up on an unanswered ping after 5 s, less than two axe runs
		// may take. The audit fixture checks /feed in a new tab once the test has passed.
		await page.goto('/feed');
		const status = page.getByRole('status');
		await expect.poll(() => held.length).toBe(1);
		// The socket is open and has sent its ping, but without the pong it is not "Live".
		await expect(status).toHaveText(indicatorText('Connecting'));

		release!();
		await expect(status).toHaveText(indicatorText('Live'));
	});
});

test.describe('a socket.io client in Node', () => {
	test('is refused without a session', async ({ baseURL }) => {
		const socket = io(baseURL!, {
			path: '/realtime',
			transports: ['websocket'],
			reconnection: false,
			forceNew: true
		});
		try {
			const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
			expect(error.message).toBe('unauthorized');
		} finally {
			socket.disconnect();
		}
	});

	for (const transport of ['websocket', 'polling'] as const) {
		test(`gets 'hello' and a 'pong' over ${transport}`, async ({ baseURL, request }) => {
			const cookie = await sessionCookie(request, baseURL!);
			// Regression: the production entry used to pass /realtime/ requests to SvelteKit too,
			// which answered a long-polling request a second time and crashed the process.
			const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseURL!, {
				path: '/realtime',
				transports: [transport],
				reconnection: false,
				forceNew: true,
				autoConnect: false,
				extraHeaders: { cookie }
			});
			try {
				const hello = new Promise<{ serverTime: string }>((resolve) =>
					socket.once('hello', resolve)
				);
				const connected = new Promise<void>((resolve, reject) => {
					socket.once('connect', resolve);
					socket.once('connect_error', reject);
				});
				socket.connect();
				await connected;
				expect(socket.io.engine.transport.name).toBe(transport);

				const reply = await socket.timeout(5000).emitWithAck('ping');
				expect(reply).toBe('pong');

				const { serverTime } = await hello;
				expect(Math.abs(Date.parse(serverTime) - Date.now())).toBeLessThan(60_000);
			} finally {
				socket.disconnect();
			}
		});
	}
});
