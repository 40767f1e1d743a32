/**
 * The main form actions (composer, comments, threads, knowledge pages, profile, tokens,
 * notification settings, administration, sign-in, unsubscribe) through the real hook, with
 * generated malformed form data: their own field names with wrong, huge and tricky values,
 * fields missing, unknown fields, repeated fields. Never a 5xx (nor an exception a server would
 * turn into one), and a refused submission writes nothing (see fuzz-support.ts); sign-in may
 * count the failure against its throttle, which is its job. Administration forms run last in
 * the list so that deactivating the person who submits the others cannot hide their forms.
 *
 * Memo forms are left to the memo work in progress; the JSON API fuzz covers memo operations.
 */
import fs from 'node:fs';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../src/lib/server/auth/cookie.ts';
import { createPost } from '../../src/lib/server/feeds/post.service.ts';
import { createPage } from '../../src/lib/server/knowledge/page.service.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { fakeEvent, nastyString, recordWrites } from './fuzz-support.ts';
import { sessionTokenFor } from './sessions.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const ALLOWED_ON_REFUSAL = new Set(['audit_event:denied', 'audit_event:failure', 'session']);

process.env.API_RATE_LIMIT = '0';
process.env.API_RATE_LIMIT_PER_IP = '0';
process.env.LOG_LEVEL = 'silent';
const { handle } = await import('../../src/hooks.server.ts');

const { db } = await createTestDatabase();
const team = await newDepartment(db, { name: 'Team', slug: 'fuzz-team' });
const staff = await newUser(db, { departmentId: team.id });
const admin = await newUser(db, { departmentId: team.id });
await grantRole(db, admin.id, 'admin');
const post = await createPost(await contextFor(db, staff.id), {
	body: 'A post',
	audience: team.id,
	announcement: false,
	attachmentIds: []
});
await createPage(await contextFor(db, staff.id), {
	space: team.slug,
	parentId: null,
	slug: 'procedures',
	title: 'Procedures',
	body: 'Text',
	summary: ''
});
const sessions = {
	staff: await sessionTokenFor(db, staff.id),
	admin: await sessionTokenFor(db, admin.id)
};

type Form = {
	route: string;
	url: string;
	params: Record<string, string>;
	/** Who submits: the administration's forms by an administrator, the rest by staff. */
	as: keyof typeof sessions;
	extraAllowed?: string[];
};
const FORMS: Form[] = [
	{ route: '(app)/feed', url: '/feed', params: {}, as: 'staff' },
	{ route: '(app)/d/[slug]', url: `/d/${team.slug}`, params: { slug: team.slug }, as: 'staff' },
	{
		route: '(app)/posts/[id=id]',
		url: `/posts/${post.id}`,
		params: { id: String(post.id) },
		as: 'staff'
	},
	{ route: '(app)/threads', url: '/threads', params: {}, as: 'staff' },
	{ route: '(app)/kb/new', url: '/kb/new', params: {}, as: 'staff' },
	{
		route: '(app)/kb/[space]/[...path]',
		url: `/kb/${team.slug}/procedures`,
		params: { space: team.slug, path: 'procedures' },
		as: 'staff'
	},
	{
		route: '(app)/people/[id=id]',
		url: `/people/${admin.id}`,
		params: { id: String(admin.id) },
		as: 'staff'
	},
	{ route: '(app)/profile', url: '/profile', params: {}, as: 'staff' },
	{ route: '(app)/profile/tokens', url: '/profile/tokens', params: {}, as: 'staff' },
	{ route: '(app)/notifications', url: '/notifications', params: {}, as: 'staff' },
	{
		route: '(app)/notifications/settings',
		url: '/notifications/settings',
		params: {},
		as: 'staff'
	},
	{ route: '(app)/admin/departments', url: '/admin/departments', params: {}, as: 'admin' },
	{
		route: '(app)/admin/departments/[id=id]',
		url: `/admin/departments/${team.id}`,
		params: { id: String(team.id) },
		as: 'admin'
	},
	{ route: '(app)/admin/people', url: '/admin/people', params: {}, as: 'admin' },
	{
		route: '(app)/admin/people/[id=id]',
		url: `/admin/people/${staff.id}`,
		params: { id: String(staff.id) },
		as: 'admin'
	},
	{
		route: '(public)/login',
		url: '/login',
		params: {},
		as: 'staff',
		extraAllowed: ['sign_in_throttle']
	},
	{
		route: '(public)/unsubscribe',
		url: '/unsubscribe',
		params: {},
		as: 'staff',
		// The key that signs unsubscribe links is made on first need, also to check a bad link; a
		// bad link is counted per address and minute, so that only the first is audited.
		extraAllowed: ['notification_signing_key', 'rate_limit']
	}
];

type Action = (event: unknown) => Promise<unknown>;
const modules = import.meta.glob<{ actions?: Record<string, Action> }>(
	'../../src/routes/**/+page.server.ts',
	{ eager: true }
);

/** The names a form's code reads: from its route file and the shared form helpers it uses. */
function fieldNames(route: string): string[] {
	const source = fs.readFileSync(`src/routes/${route}/+page.server.ts`, 'utf8');
	const names = new Set<string>();
	for (const [, name] of source.matchAll(
		/(?:values|data|form|input)\.(?:get|getAll)?\(?'?(\w+)'?\)?/g
	))
		names.add(name!);
	for (const [, name] of source.matchAll(/get(?:All)?\('(\w+)'\)/g)) names.add(name!);
	for (const common of ['body', 'title', 'audience', 'name', 'email', 'id', 'files', 'next'])
		names.add(common);
	return [...names].filter((n) => !['get', 'getAll', 'then'].includes(n));
}

const writes = await recordWrites(db);

describe('form actions under malformed input', () => {
	for (const form of FORMS) {
		const actions = modules[`../../src/routes/${form.route}/+page.server.ts`]?.actions ?? {};
		const names = fieldNames(form.route);
		for (const [actionName, action] of Object.entries(actions)) {
			it(`${form.url} ?/${actionName}`, async () => {
				await writes.take();
				const allowed = new Set([...ALLOWED_ON_REFUSAL, ...(form.extraAllowed ?? [])]);
				const fields = fc.array(
					fc.tuple(
						fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, nastyString),
						fc.oneof(nastyString, fc.constantFrom('1', String(team.id), 'organisation', 'on'))
					),
					{ maxLength: 8 }
				);
				await fc.assert(
					fc.asyncProperty(fields, async (entries) => {
						const data = new FormData();
						for (const [name, value] of entries)
							data.append(name.toWellFormed(), value.toWellFormed());
						const url = new URL(
							`${form.url}${actionName === 'default' ? '' : `?/${actionName}`}`,
							'http://commons.test'
						);
						const event = fakeEvent({
							url,
							method: 'POST',
							params: form.params,
							actor: null as never,
							body: data,
							accept: 'text/html',
							cookies: { [sessionCookieName(false)]: sessions[form.as] }
						});
						let status: number;
						try {
							const response = await handle({
								event: event as never,
								resolve: async (e) => {
									const result = await action(e);
									return new Response(null, {
										status: isActionFailure(result) ? result.status : 200
									});
								}
							});
							status = response.status;
						} catch (error) {
							if (isRedirect(error)) status = error.status;
							else if (isHttpError(error)) status = error.status;
							else throw error;
						}
						expect(status, 'a 5xx answer').toBeLessThan(500);
						const written = await writes.take();
						if (status >= 400)
							expect(
								written.filter((t) => !allowed.has(t)),
								`a refused submission (${status}) wrote`
							).toEqual([]);
					}),
					{ numRuns: RUNS }
				);
			});
		}
	}
});
