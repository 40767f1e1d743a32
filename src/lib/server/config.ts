/**
 * Every environment variable Commons reads, parsed once with defaults.
 * A bad value stops start-up with one line naming the variable (see `loadConfig`).
 * This module is imported by the SvelteKit bundle, the production entry and the scripts,
 * so it reads `process.env` directly rather than `$env/dynamic/private`.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const optionalText = z
	.string()
	.trim()
	.transform((v) => (v === '' ? undefined : v))
	.optional();

const schema = z.object({
	DATABASE_URL: optionalText.pipe(
		z
			.string()
			.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
			.optional()
	),
	DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off']).default('on'),
	DATABASE_POOL_SIZE: optionalText.pipe(
		z.coerce.number<string | undefined>().int().min(2).max(200).optional()
	),
	PORT: z.coerce.number().int().min(1).max(65535).default(3000),
	HOST: z.string().trim().min(1).default('0.0.0.0'),
	ORIGIN: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
	DATA_DIR: z.string().trim().min(1).default('.data'),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	DEMO_PASSWORD: optionalText.pipe(
		z.string().min(12, 'must be at least 12 characters').max(256).optional()
	),
	SESSION_IDLE_HOURS: z.coerce
		.number()
		.positive()
		.max(24 * 30)
		.default(12),
	SESSION_ABSOLUTE_DAYS: z.coerce.number().positive().max(365).default(30),
	OIDC_ISSUER: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
	OIDC_CLIENT_ID: optionalText,
	OIDC_CLIENT_SECRET: optionalText,
	OIDC_DEPARTMENT_CLAIM: z.string().trim().min(1).default('department'),
	OIDC_BUTTON_LABEL: z.string().trim().min(1).max(60).default('Sign in with single sign-on'),
	REALTIME_ADAPTER: z.enum(['postgres', 'memory']).optional(),
	THREAD_MESSAGE_BURST: z.coerce.number().int().min(1).max(1000).default(10),
	THREAD_MESSAGE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
	API_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000_000).default(600),
	API_RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).max(1_000_000_000).default(3000),
	SEARCH_ENGINE: optionalText.pipe(z.enum(['postgres', 'meilisearch']).optional()),
	MEILI_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
	MEILI_API_KEY: optionalText,
	MEILI_INDEX: z
		.string()
		.trim()
		.regex(/^[a-zA-Z0-9_-]{1,100}$/, 'must be letters, digits, - or _')
		.default('commons'),
	SMTP_URL: optionalText.pipe(
		z
			.string()
			.regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587')
			.optional()
	),
	MAIL_FROM: optionalText,
	DEFAULT_TIME_ZONE: z
		.string()
		.trim()
		.default('UTC')
		.refine(isTimeZone, 'must be an IANA time zone such as Europe/London or UTC'),
	NODE_ENV: z.string().default('development')
});

/** Whether `zone` is a time zone this runtime knows (IANA names such as Europe/Paris, or UTC). */
export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return zone.length > 0;
	} catch {
		return false;
	}
}

/**
 * Twice the cores, plus one: PostgreSQL runs a query per connection on one core, and more
 * connections than it has cores to run them make each query slower, not more of them faster.
 * On two cores (the benchmarks' machine, the database on the same machine) 5 connections
 * instead of 10 gave the home feed 5-7% more pages a second, with PostgreSQL's CPU per page 7-12%
 * lower (bench/README.md, feed-home). With the database on a larger server of its own, set
 * DATABASE_POOL_SIZE from that server's cores instead.
 */
export function defaultPoolSize(): number {
	return 2 * os.availableParallelism() + 1;
}

export type Config = {
	databaseUrl: string | undefined;
	/** Run the hot queries as named prepared statements (off behind a transaction-mode pooler). */
	preparedStatements: boolean;
	/** Connections the app keeps to PostgreSQL (see `defaultPoolSize`). */
	databasePoolSize: number;
	port: number;
	host: string;
	origin: string | undefined;
	/** Absolute path of the folder for the embedded database and uploads. */
	dataDir: string;
	logLevel: z.infer<typeof schema>['LOG_LEVEL'];
	demoPassword: string | undefined;
	production: boolean;
	session: { idleMs: number; absoluteMs: number };
	/** Single sign-on, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. */
	oidc:
		| {
				issuer: string;
				clientId: string;
				clientSecret: string;
				departmentClaim: string;
				buttonLabel: string;
		  }
		| undefined;
	/** How instances share realtime broadcasts: through PostgreSQL, or not at all (one instance). */
	realtimeAdapter: 'postgres' | 'memory';
	/** At most `burst` thread messages per person in any `windowMs`. */
	messageRate: { burst: number; windowMs: number };
	/** JSON API requests allowed per minute, per person and per client address; 0: no limit. */
	apiRateLimit: { perPerson: number; perAddress: number };
	/** Which engine answers searches; Meilisearch only when MEILI_URL is set. */
	search:
		| { engine: 'postgres' }
		| { engine: 'meilisearch'; url: string; apiKey: string | undefined; index: string };
	/** E-mail over SMTP, when SMTP_URL and MAIL_FROM are both set; otherwise no e-mail is sent. */
	mail: { smtpUrl: string; from: string } | undefined;
	/** The time zone of people who have not chosen one (their daily digest's hour). */
	defaultTimeZone: string;
};

export class ConfigError extends Error {}

/** Parses `env` into a Config, or throws a ConfigError whose message is one line naming the variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
	const result = schema.safeParse(env);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		const name = String(issue.path[0] ?? 'environment');
		throw new ConfigError(`Invalid ${name}: ${issue.message} (got ${JSON.stringify(env[name])})`);
	}
	const c = result.data;
	const oidcParts = [c.OIDC_ISSUER, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET];
	if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
		const missing = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].filter(
			(_, i) => !oidcParts[i]
		);
		throw new ConfigError(
			`Invalid ${missing[0]}: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together`
		);
	}
	if (c.SEARCH_ENGINE === 'meilisearch' && !c.MEILI_URL)
		throw new ConfigError('Invalid SEARCH_ENGINE: meilisearch needs MEILI_URL');
	const searchEngine = c.SEARCH_ENGINE ?? (c.MEILI_URL ? 'meilisearch' : 'postgres');
	if (c.SMTP_URL && !c.MAIL_FROM)
		throw new ConfigError('Invalid MAIL_FROM: e-mail needs a sender address with SMTP_URL');
	return {
		databaseUrl: c.DATABASE_URL,
		preparedStatements: c.DATABASE_PREPARED_STATEMENTS === 'on',
		databasePoolSize: c.DATABASE_POOL_SIZE ?? defaultPoolSize(),
		port: c.PORT,
		host: c.HOST,
		origin: c.ORIGIN,
		dataDir: path.resolve(c.DATA_DIR),
		logLevel: c.LOG_LEVEL,
		demoPassword: c.DEMO_PASSWORD,
		production: c.NODE_ENV === 'production',
		session: {
			idleMs: c.SESSION_IDLE_HOURS * 3_600_000,
			absoluteMs: c.SESSION_ABSOLUTE_DAYS * 86_400_000
		},
		oidc:
			c.OIDC_ISSUER && c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET
				? {
						issuer: c.OIDC_ISSUER,
						clientId: c.OIDC_CLIENT_ID,
						clientSecret: c.OIDC_CLIENT_SECRET,
						departmentClaim: c.OIDC_DEPARTMENT_CLAIM,
						buttonLabel: c.OIDC_BUTTON_LABEL
					}
				: undefined,
		// The embedded database serves one instance; your own PostgreSQL may serve several.
		realtimeAdapter: c.REALTIME_ADAPTER ?? (c.DATABASE_URL ? 'postgres' : 'memory'),
		messageRate: {
			burst: c.THREAD_MESSAGE_BURST,
			windowMs: c.THREAD_MESSAGE_WINDOW_SECONDS * 1000
		},
		apiRateLimit: { perPerson: c.API_RATE_LIMIT, perAddress: c.API_RATE_LIMIT_PER_IP },
		search:
			searchEngine === 'meilisearch'
				? {
						engine: 'meilisearch',
						url: c.MEILI_URL!,
						apiKey: c.MEILI_API_KEY,
						index: c.MEILI_INDEX
					}
				: { engine: 'postgres' },
		mail: c.SMTP_URL && c.MAIL_FROM ? { smtpUrl: c.SMTP_URL, from: c.MAIL_FROM } : undefined,
		defaultTimeZone: c.DEFAULT_TIME_ZONE
	};
}

let cached: Config | undefined;

/** The process's configuration; on a bad value prints one line and exits. */
export function config(): Config {
	if (cached) return cached;
	try {
		cached = parseConfig(process.env);
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(`commons: ${error.message}`);
			process.exit(1);
		}
		throw error;
	}
	return cached;
}
