/**
 * A knowledge page and everything done to it, at its own address `/kb/<space>/<path>`.
 *
 * Why one route with `?view=`: a page's address is a rest parameter (`[...path]`), so
 * `/kb/<space>/<path>/edit` would be a page called "edit". The views (edit, history, revision,
 * diff, move, settings) are the same page seen differently, so they are query parameters of its
 * one address and share its breadcrumbs; forms post to this route's actions with the page's id,
 * which survives a move made by someone else meanwhile.
 */
import { error, fail, isRedirect, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { requestContext } from '$lib/server/context';
import { ForbiddenError, NotFoundError, ValidationError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import {
	getPageGovernance,
	setPageGovernance,
	verifyPage
} from '$lib/server/knowledge/page-governance.service';
import { pageHref } from '$lib/server/knowledge/page-links';
import {
	diffPageRevisions,
	diffTexts,
	getPageRevision,
	getPageView,
	getSpaceView,
	listPageHistory,
	PageMovedError
} from '$lib/server/knowledge/page-view.service';
import {
	deletePage,
	movePage,
	PageConflictError,
	restoreRevision,
	revisePage
} from '$lib/server/knowledge/page.service';
import { openPageThread } from '$lib/server/threads/thread.service';
import { formToObject, parseInput } from '$lib/server/validation';
import {
	pageDiffQuerySchema,
	pageGovernanceSchema,
	pageMoveSchema,
	pageRestoreSchema,
	pageUpdateSchema,
	pageVerifySchema
} from '$lib/shared/schemas/knowledge';

const VIEWS = ['page', 'edit', 'history', 'revision', 'diff', 'move', 'settings'] as const;
type View = (typeof VIEWS)[number];

function viewOf(url: URL): View {
	const view = url.searchParams.get('view') ?? 'page';
	return (VIEWS as readonly string[]).includes(view) ? (view as View) : 'page';
}

function httpError(e: unknown): never {
	if (e instanceof NotFoundError) error(404, e.message);
	if (e instanceof ForbiddenError) error(403, e.message);
	if (e instanceof ValidationError) error(400, e.message);
	throw e;
}

export async function load(event) {
	const ctx = requestContext(event);
	const view = viewOf(event.url);
	const q = event.url.searchParams;
	try {
		const page = await getPageView(ctx, event.params.space, event.params.path);
		const base = { page, view, saved: q.get('saved'), restored: q.get('restored') };
		switch (view) {
			case 'edit':
				if (!page.can.edit) throw new ForbiddenError(editRefusal(page.editRestricted));
				return { ...base };
			case 'history': {
				const before = Number(q.get('before')) || undefined;
				return { ...base, history: await listPageHistory(ctx, page.id, before) };
			}
			case 'revision': {
				const number = Number(q.get('n'));
				if (!Number.isInteger(number) || number < 1)
					throw new NotFoundError('This page has no such revision.');
				return { ...base, revision: await getPageRevision(ctx, page.id, number) };
			}
			case 'diff': {
				const parsed = pageDiffQuerySchema.safeParse({
					from: q.get('from') ?? Math.max(1, page.revision - 1),
					to: q.get('to') ?? page.revision
				});
				if (!parsed.success) throw new ValidationError('Choose two revisions to compare.');
				// Older first, whichever order the two were picked in.
				const [from, to] = [parsed.data.from, parsed.data.to].sort((a, b) => a - b);
				if (from === to)
					// The same revision twice (or a page with one revision): the history again, saying so.
					return {
						...base,
						view: 'history' as const,
						history: await listPageHistory(ctx, page.id),
						compareError:
							page.revision === 1
								? 'There is only one revision so far: nothing to compare yet.'
								: 'Choose two different revisions to compare.'
					};
				return { ...base, diff: await diffPageRevisions(ctx, page.id, from!, to!) };
			}
			case 'move': {
				if (!page.can.move)
					throw new ForbiddenError(
						'Only the page’s owner, its department’s managers and administrators move it.'
					);
				return { ...base, tree: (await getSpaceView(ctx, event.params.space)).tree };
			}
			case 'settings':
				return { ...base, governance: await getPageGovernance(ctx, page.id) };
			default:
				return base;
		}
	} catch (e) {
		// An old address (a bookmark, a link in an old revision): the page, and the same view of it.
		// Temporary (302), because the address may later be given to another page.
		if (e instanceof PageMovedError) redirect(302, e.href + event.url.search);
		httpError(e);
	}
}

function editRefusal(restricted: boolean) {
	return restricted
		? 'Only the people this page names as its editors may change it. Ask its owner.'
		: 'You may read this page but not edit it: only members of its department can.';
}

type Values = Record<string, string | string[]>;

const pageIdSchema = z.object({
	pageId: z.coerce
		.number({ error: 'The form lost which page it was for. Reload.' })
		.int()
		.positive()
});

/**
 * Runs one action for the page named by the form's `pageId`. Success redirects (303) where
 * `run` says, so a reload never posts twice, with or without JavaScript; a domain error becomes a
 * form failure keeping `keep(values)`.
 */
async function act(
	event: RequestEvent,
	form: string,
	run: (pageId: number, values: Values) => Promise<string | Record<string, unknown>>,
	keep: (values: Values) => Record<string, unknown> = () => ({}),
	arrays: string[] = []
) {
	const values = formToObject(await event.request.formData(), arrays);
	try {
		const { pageId } = parseInput(pageIdSchema, values);
		const result = await run(pageId, values);
		if (typeof result === 'string') redirect(303, result);
		return { form, ...result };
	} catch (e) {
		if (isRedirect(e)) throw e;
		return failForm(e, { form, ...keep(values) });
	}
}

const spaceOf = (event: RequestEvent) => event.params.space!;

export const actions = {
	save: async (event) => {
		const values = formToObject(await event.request.formData());
		const kept = {
			form: 'save',
			title: values.title,
			body: values.body,
			summary: values.summary,
			baseRevision: values.baseRevision
		};
		try {
			const { pageId } = parseInput(pageIdSchema, values);
			const input = parseInput(pageUpdateSchema, values);
			const row = await revisePage(requestContext(event), pageId, input);
			// The same text again adds no revision: say so rather than "saved".
			const saved = row.revision === input.baseRevision ? 'unchanged' : row.revision;
			redirect(303, `${pageHref(spaceOf(event), row.path)}?saved=${saved}`);
		} catch (e) {
			if (isRedirect(e)) throw e;
			if (!(e instanceof PageConflictError)) return failForm(e, kept);
			// Someone saved meanwhile: keep every word the person typed, and show theirs beside it
			// with the difference from theirs to yours.
			const current = e.current;
			return fail(409, {
				message: e.message,
				fields: {} as Record<string, string>,
				values: kept as Record<string, unknown>,
				conflict: {
					revision: current.revision,
					title: current.title,
					bodySource: current.bodySource,
					updatedBy: current.updatedBy,
					updatedAt: current.updatedAt.toISOString(),
					diff: diffTexts(current.bodySource, String(values.body ?? ''))
				}
			});
		}
	},
	restore: async (event) =>
		act(
			event,
			'restore',
			async (pageId, values) => {
				const input = parseInput(pageRestoreSchema, values);
				const row = await restoreRevision(requestContext(event), pageId, input);
				return `${pageHref(spaceOf(event), row.path)}?restored=${input.revision}`;
			},
			(values) => ({ revision: values.revision })
		),
	move: async (event) =>
		act(
			event,
			'move',
			async (pageId, values) => {
				const input = parseInput(pageMoveSchema, values);
				const row = await movePage(requestContext(event), pageId, input);
				return `${pageHref(spaceOf(event), row.path)}?saved=moved`;
			},
			(values) => ({ parentId: values.parentId, slug: values.slug })
		),
	govern: async (event) =>
		act(
			event,
			'govern',
			async (pageId, values) => {
				const editorIds = [values.editorIds, values.addEditor]
					.flat()
					.filter((id): id is string => typeof id === 'string' && id !== '');
				const input = parseInput(pageGovernanceSchema, { ...values, editorIds });
				await setPageGovernance(requestContext(event), pageId, input);
				return `${event.url.pathname}?view=settings&saved=settings`;
			},
			(values) => ({
				ownerId: values.ownerId,
				reviewBy: values.reviewBy,
				editRestricted: values.editRestricted ?? '',
				editorIds: values.editorIds
			}),
			['editorIds']
		),
	verify: async (event) =>
		act(
			event,
			'verify',
			async (pageId, values) => {
				const input = parseInput(pageVerifySchema, values.clear ? { verifiedUntil: '' } : values);
				await verifyPage(requestContext(event), pageId, input.verifiedUntil);
				return `${event.url.pathname}?view=settings&saved=${input.verifiedUntil ? 'verified' : 'unverified'}`;
			},
			(values) => ({ verifiedUntil: values.verifiedUntil })
		),
	delete: async (event) =>
		act(event, 'delete', async (pageId) => {
			const row = await deletePage(requestContext(event), pageId);
			const space = spaceOf(event);
			return `/kb/${encodeURIComponent(space)}?deleted=${row.id}`;
		}),
	discuss: async (event) =>
		act(event, 'discuss', async (pageId) => {
			const thread = await openPageThread(requestContext(event), pageId);
			return `/threads/${thread.id}`;
		})
};
