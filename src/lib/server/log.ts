import { pino, type Logger } from 'pino';
import { config } from './config.ts';

const LOGGER = Symbol.for('commons.logger');
type Holder = { [LOGGER]?: Logger };

/** The one pino logger (one JSON line per event), shared by the bundle, the entry and the scripts. */
export function logger(): Logger {
	const holder = globalThis as Holder;
	holder[LOGGER] ??= pino({ level: config().logLevel, base: { app: 'commons' } });
	return holder[LOGGER];
}
