/**
 * What the fuzz tests share: generators of malformed input (fast-check), a recorder of every row
 * written to the database (to prove refused requests write nothing), and a fake of the parts of
 * SvelteKit's RequestEvent that route handlers read.
 */
import { sql } from 'kysely';
import fc from 'fast-check';
import type { Database } from '../../src/lib/server/db/index.ts';
import type { Actor } from '../../src/lib/server/org/actor.ts';

/** Strings that have broken web apps: control and format characters, huge, tricky text. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.constantFrom(
			'',
			' ',
			'\u0000',
			'a\u0000b',
			'\ud800',
			'\udfff\ud800',
			'\u202e\u2066evil\u2069',
			'\ufeff',
			'\u200b\u200d',
			'👩‍👩‍👧‍👦',
			'e\u0301'.repeat(500),
			'\r\n\t\v\f',
			"'; drop table users; --",
			'" or 1=1 --',
			'%00',
			'%s%n%x',
			'../../etc/passwd',
			'<script>alert(1)</script>',
			'javascript:alert(1)',
			'[x](javascript:alert(1))',
			'NaN',
			'-0',
			'1e309',
			'9'.repeat(40),
			'null',
			'true',
			'2026-02-30',
			'0000-00-00T00:00:00Z',
			'__proto__',
			'constructor'
		)
	},
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ unit: 'grapheme', maxLength: 40 }),
	fc.integer({ min: 1_000, max: 120_000 }).map((n) => 'x'.repeat(n))
);

/** Any JSON value, with the nasty strings, big and negative numbers, deep nesting. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
	{ depthSize: 'small' },
	nastyString,
	fc.constantFrom(
		0,
		-1,
		1.5,
		2 ** 31,
		-(2 ** 31) - 1,
		2 ** 53 + 2,
		Number.MAX_VALUE,
		true,
		false,
		null
	),
	fc.integer(),
	fc.array(fc.oneof(fc.integer(), nastyString), { maxLength: 5 }),
	fc.constant(Array.from({ length: 5000 }, (_, i) => i)),
	fc.dictionary(nastyString, fc.oneof(fc.integer(), nastyString), { maxKeys: 3 }),
	fc.constant(JSON.parse('{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}'))
);

type Schema = Record<string, unknown>;

/** A plausible value for a JSON schema of the OpenAPI document, to mutate from. */
export function sampleOf(schema: Schema | undefined, components: Record<string, Schema>): unknown {
	if (!schema) return {};
	if (typeof schema.$ref === 'string')
		return sampleOf(components[schema.$ref.split('/').pop()!], components);
	if (schema.const !== undefined) return schema.const;
	if (Array.isArray(schema.enum)) return schema.enum[0];
	for (const key of ['oneOf', 'anyOf', 'allOf'])
		if (Array.isArray(schema[key])) return sampleOf((schema[key] as Schema[])[0], components);
	const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
	switch (type) {
		case 'object': {
			const properties = (schema.properties ?? {}) as Record<string, Schema>;
			return Object.fromEntries(
				Object.entries(properties).map(([k, v]) => [k, sampleOf(v, components)])
			);
		}
		case 'array':
			return [sampleOf(schema.items as Schema, components)];
		case 'integer':
		case 'number':
			return 1;
		case 'boolean':
			return true;
		case 'null':
			return null;
		case 'string':
			return schema.format === 'date'
				? '2099-01-31'
				: schema.format === 'date-time'
					? '2099-01-31T09:00:00.000Z'
					: 'text';
		default:
			return {};
	}
}

/** A JSON body: the valid shape with one field broken, missing or added, or anything at all. */
export function bodyFor(sample: unknown): fc.Arbitrary<unknown> {
	const base =
		typeof sample === 'object' && sample !== null && !Array.isArray(sample)
			? (sample as Record<string, unknown>)
			: {};
	const keys = Object.keys(base);
	const mutations: fc.Arbitrary<unknown>[] = [
		fc.constant(base),
		fc.dictionary(fc.constantFrom(...keys, 'extra', '__proto__'), nastyValue, { maxKeys: 4 }),
		nastyValue,
		fc.constantFrom({}, [], null, 'text', 42)
	];
	if (keys.length) {
		const key = fc.constantFrom(...keys);
		mutations.push(
			fc.tuple(key, nastyValue).map(([k, v]) => ({ ...base, [k]: v })),
			key.map((k) => {
				const { [k]: _gone, ...rest } = base;
				return rest;
			}),
			fc
				.tuple(key, nastyValue, fc.string({ minLength: 1, maxLength: 12 }), nastyValue)
				.map(([k, v, extra, w]) => ({ ...base, [k]: v, [extra]: w }))
		);
	}
	return fc.oneof(...mutations);
}

/** The raw request body: mostly JSON of `body`, sometimes broken JSON or another content type. */
export function rawBody(body: fc.Arbitrary<unknown>) {
	return fc.oneof(
		{
			weight: 8,
			arbitrary: body.map((b) => ({ type: 'application/json', text: JSON.stringify(b) ?? 'null' }))
		},
		{
			weight: 1,
			arbitrary: fc.constantFrom(
				{ type: 'application/json', text: '{"a":' },
				{ type: 'application/json', text: '' },
				{ type: 'application/json', text: '\u0000' },
				{ type: 'text/plain', text: '{"body":"x"}' },
				{ type: 'application/x-www-form-urlencoded', text: 'body=x' },
				{ type: 'application/json', text: `{"body":"${'x'.repeat(300_000)}"}` }
			)
		}
	);
}

/**
 * Records every row any public table inserts, updates or deletes, with the audit entry's outcome
 * where there is one (a refused request may record that it was denied: that is the point of an
 * audit trail, not a partial write).
 */
export async function recordWrites(db: Database) {
	await sql`create table fuzz_write (tbl text not null)`.execute(db);
	await sql`
		create function fuzz_record_write() returns trigger language plpgsql as $$
		begin
			if tg_table_name = 'audit_event' and tg_op = 'INSERT' then
				insert into fuzz_write values ('audit_event:' || new.outcome);
			else
				insert into fuzz_write values (tg_table_name);
			end if;
			return null;
		end $$
	`.execute(db);
	const { rows } = await sql<{ name: string }>`
		select table_name as name from information_schema.tables
		where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'fuzz_write'
	`.execute(db);
	for (const { name } of rows)
		await sql`
			create trigger fuzz_record_write after insert or update or delete on ${sql.table(name)}
			for each row execute function fuzz_record_write()
		`.execute(db);
	return {
		/** The tables written since the last call (and forgets them). */
		async take(): Promise<string[]> {
			const { rows: written } = await sql<{ tbl: string }>`
				delete from fuzz_write returning tbl
			`.execute(db);
			return [...new Set(written.map((w) => w.tbl))].sort();
		}
	};
}

/** The parts of a RequestEvent our handlers read, for `actor` (the hook already let them in). */
export function fakeEvent(input: {
	url: URL;
	method: string;
	params: Record<string, string>;
	actor: Actor;
	body?: BodyInit | null;
	contentType?: string;
	cookies?: Record<string, string>;
	accept?: string;
}) {
	const headers = new Headers({ accept: input.accept ?? 'application/json' });
	if (input.contentType) headers.set('content-type', input.contentType);
	const cookies = new Map<string, string>(Object.entries(input.cookies ?? {}));
	return {
		url: input.url,
		request: new Request(input.url, {
			method: input.method,
			headers,
			body: input.method === 'GET' ? undefined : (input.body ?? null)
		}),
		params: input.params,
		route: { id: null },
		locals: { actor: input.actor, requestId: 'fuzz', sessionId: null },
		cookies: {
			get: (name: string) => cookies.get(name),
			getAll: () => [...cookies].map(([name, value]) => ({ name, value })),
			set: (name: string, value: string) => void cookies.set(name, value),
			delete: (name: string) => void cookies.delete(name),
			serialize: () => ''
		},
		setHeaders: () => undefined,
		getClientAddress: () => '127.0.0.1',
		isDataRequest: false,
		isSubRequest: false,
		platform: undefined,
		fetch
	};
}
