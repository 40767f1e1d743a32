import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
	it('applies the documented defaults', () => {
		const config = parseConfig({});
		expect(config).toMatchObject({
			databaseUrl: undefined,
			preparedStatements: true,
			databasePoolSize: 2 * os.availableParallelism() + 1,
			port: 3000,
			host: '0.0.0.0',
			origin: undefined,
			dataDir: path.resolve('.data'),
			logLevel: 'info',
			demoPassword: undefined,
			production: false
		});
	});

	it('reads every variable', () => {
		const config = parseConfig({
			DATABASE_URL: 'postgres://u:p@db.internal:5432/commons',
			DATABASE_PREPARED_STATEMENTS: 'off',
			DATABASE_POOL_SIZE: '12',
			PORT: '8080',
			HOST: '127.0.0.1',
			ORIGIN: 'https://intranet.example.org',
			DATA_DIR: '/var/lib/commons',
			LOG_LEVEL: 'debug',
			DEMO_PASSWORD: 'a-long-demo-password',
			THREAD_MESSAGE_BURST: '20',
			THREAD_MESSAGE_WINDOW_SECONDS: '30',
			API_RATE_LIMIT: '100',
			API_RATE_LIMIT_PER_IP: '0',
			NODE_ENV: 'production'
		});
		expect(config).toEqual({
			databaseUrl: 'postgres://u:p@db.internal:5432/commons',
			preparedStatements: false,
			databasePoolSize: 12,
			port: 8080,
			host: '127.0.0.1',
			origin: 'https://intranet.example.org',
			dataDir: '/var/lib/commons',
			logLevel: 'debug',
			demoPassword: 'a-long-demo-password',
			production: true,
			session: { idleMs: 12 * 3_600_000, absoluteMs: 30 * 86_400_000 },
			oidc: undefined,
			realtimeAdapter: 'postgres',
			messageRate: { burst: 20, windowMs: 30_000 },
			apiRateLimit: { perPerson: 100, perAddress: 0 },
			search: { engine: 'postgres' },
			mail: undefined,
			defaultTimeZone: 'UTC'
		});
	});

	it('refuses a pool of fewer than 2 or more than 200 connections, with the variable named', () => {
		expect(() => parseConfig({ DATABASE_POOL_SIZE: '1' })).toThrow(/DATABASE_POOL_SIZE/);
		expect(() => parseConfig({ DATABASE_POOL_SIZE: '500' })).toThrow(/DATABASE_POOL_SIZE/);
		expect(() => parseConfig({ DATABASE_POOL_SIZE: 'many' })).toThrow(/DATABASE_POOL_SIZE/);
		expect(parseConfig({ DATABASE_POOL_SIZE: '' }).databasePoolSize).toBe(
			2 * os.availableParallelism() + 1
		);
	});

	it('sends e-mail only with SMTP_URL and MAIL_FROM, and knows time zones', () => {
		expect(parseConfig({}).mail).toBeUndefined();
		expect(
			parseConfig({
				SMTP_URL: 'smtp://user:pass@mail.example.org:587',
				MAIL_FROM: 'Commons <commons@example.org>'
			}).mail
		).toEqual({
			smtpUrl: 'smtp://user:pass@mail.example.org:587',
			from: 'Commons <commons@example.org>'
		});
		expect(() => parseConfig({ SMTP_URL: 'smtp://mail.example.org' })).toThrow(
			/^Invalid MAIL_FROM/
		);
		expect(() => parseConfig({ SMTP_URL: 'http://mail.example.org', MAIL_FROM: 'a@b.c' })).toThrow(
			/^Invalid SMTP_URL/
		);
		expect(parseConfig({ DEFAULT_TIME_ZONE: 'Europe/Berlin' }).defaultTimeZone).toBe(
			'Europe/Berlin'
		);
		expect(() => parseConfig({ DEFAULT_TIME_ZONE: 'Mars/Olympus' })).toThrow(
			/^Invalid DEFAULT_TIME_ZONE/
		);
	});

	it('searches with PostgreSQL unless MEILI_URL is set', () => {
		expect(parseConfig({}).search).toEqual({ engine: 'postgres' });
		expect(
			parseConfig({ MEILI_URL: 'http://127.0.0.1:7700', MEILI_API_KEY: 'key' }).search
		).toEqual({
			engine: 'meilisearch',
			url: 'http://127.0.0.1:7700',
			apiKey: 'key',
			index: 'commons'
		});
		expect(
			parseConfig({ MEILI_URL: 'http://127.0.0.1:7700', SEARCH_ENGINE: 'postgres' }).search
		).toEqual({ engine: 'postgres' });
		expect(() => parseConfig({ SEARCH_ENGINE: 'meilisearch' })).toThrow(ConfigError);
		expect(() => parseConfig({ MEILI_URL: 'ftp://x' })).toThrow(/MEILI_URL/);
	});

	it('shares realtime broadcasts through PostgreSQL only with a database of your own, unless told', () => {
		expect(parseConfig({}).realtimeAdapter).toBe('memory');
		expect(parseConfig({ DATABASE_URL: 'postgres://db/commons' }).realtimeAdapter).toBe('postgres');
		expect(
			parseConfig({ DATABASE_URL: 'postgres://db/commons', REALTIME_ADAPTER: 'memory' })
				.realtimeAdapter
		).toBe('memory');
		expect(parseConfig({}).messageRate).toEqual({ burst: 10, windowMs: 10_000 });
	});

	it('limits the JSON API per person and per address, unless set to 0', () => {
		expect(parseConfig({}).apiRateLimit).toEqual({ perPerson: 600, perAddress: 3000 });
		expect(() => parseConfig({ API_RATE_LIMIT: '-1' })).toThrow(/^Invalid API_RATE_LIMIT/);
		expect(() => parseConfig({ API_RATE_LIMIT_PER_IP: 'lots' })).toThrow(
			/^Invalid API_RATE_LIMIT_PER_IP/
		);
	});

	it('enables single sign-on only with issuer, client id and secret together', () => {
		const oidc = {
			OIDC_ISSUER: 'https://login.example.org/realms/staff',
			OIDC_CLIENT_ID: 'commons',
			OIDC_CLIENT_SECRET: 's3cret'
		};
		expect(parseConfig(oidc).oidc).toEqual({
			issuer: 'https://login.example.org/realms/staff',
			clientId: 'commons',
			clientSecret: 's3cret',
			departmentClaim: 'department',
			buttonLabel: 'Sign in with single sign-on'
		});
		expect(() => parseConfig({ OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(
			/^Invalid OIDC_CLIENT_ID: single sign-on needs/
		);
	});

	it('accepts only on or off for prepared statements', () => {
		expect(parseConfig({ DATABASE_PREPARED_STATEMENTS: 'on' }).preparedStatements).toBe(true);
		expect(() => parseConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(
			/DATABASE_PREPARED_STATEMENTS/
		);
	});

	it('reads session timeouts in hours and days', () => {
		expect(parseConfig({ SESSION_IDLE_HOURS: '1', SESSION_ABSOLUTE_DAYS: '7' }).session).toEqual({
			idleMs: 3_600_000,
			absoluteMs: 7 * 86_400_000
		});
		expect(() => parseConfig({ SESSION_IDLE_HOURS: '0' })).toThrow(/^Invalid SESSION_IDLE_HOURS/);
	});

	it('treats empty strings as unset', () => {
		expect(parseConfig({ DATABASE_URL: '', ORIGIN: ' ', DEMO_PASSWORD: '' })).toMatchObject({
			databaseUrl: undefined,
			origin: undefined,
			demoPassword: undefined
		});
	});

	it.each([
		['PORT', 'eighty', /^Invalid PORT: .*\(got "eighty"\)$/],
		['PORT', '70000', /^Invalid PORT: /],
		['DATABASE_URL', 'mysql://x', /^Invalid DATABASE_URL: must be a postgres/],
		['ORIGIN', 'intranet', /^Invalid ORIGIN: /],
		['LOG_LEVEL', 'loud', /^Invalid LOG_LEVEL: /],
		['DEMO_PASSWORD', 'short', /^Invalid DEMO_PASSWORD: must be at least 12 characters/]
	])('names %s when its value %j is bad, in one line', (name, value, message) => {
		const attempt = () => parseConfig({ [name]: value });
		expect(attempt).toThrow(ConfigError);
		expect(attempt).toThrow(message);
		try {
			attempt();
		} catch (error) {
			expect((error as Error).message).not.toContain('\n');
		}
	});
});
