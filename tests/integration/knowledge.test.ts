/**
 * Knowledge pages against a real database: who may write where, members-only spaces never leak
 * (pages, links, backlinks), the tree and moves, revisions with conflicts that lose nothing,
 * restore, diffs, wiki links and backlinks, governance.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	ValidationError
} from '../../src/lib/server/errors.ts';
import {
	diffPageRevisions,
	getPageRevision,
	getPageView,
	getPageViewById,
	getSpaceView,
	listMyPagesDueForReview,
	listPageHistory,
	listPages,
	listRecentlyUpdated,
	listSpaces,
	PageMovedError,
	previewPage
} from '../../src/lib/server/knowledge/page-view.service.ts';
import {
	createPage,
	deletePage,
	movePage,
	PageConflictError,
	restoreRevision,
	revisePage,
	slugify
} from '../../src/lib/server/knowledge/page.service.ts';
import {
	setPageGovernance,
	verifyPage
} from '../../src/lib/server/knowledge/page-governance.service.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

// agency ── finance ── procurement
//        └─ legal ── inquiries (members-only)
const agency = await newDepartment(db, { slug: 'k-agency', name: 'Agency' });
const finance = await newDepartment(db, { slug: 'finance', name: 'Finance', parentId: agency.id });
const procurement = await newDepartment(db, {
	slug: 'procurement',
	name: 'Procurement',
	parentId: finance.id
});
const legal = await newDepartment(db, { slug: 'legal', name: 'Legal', parentId: agency.id });
const inquiries = await newDepartment(db, {
	slug: 'inquiries',
	name: 'Inquiries',
	parentId: legal.id,
	visibility: 'members-only'
});

const fiona = await newUser(db, { name: 'Fiona Finance', departmentId: finance.id });
const pat = await newUser(db, { name: 'Pat Procurement', departmentId: procurement.id });
const lee = await newUser(db, { name: 'Lee Legal', departmentId: legal.id });
const ida = await newUser(db, { name: 'Ida Inquiries', departmentId: inquiries.id });
const mona = await newUser(db, { name: 'Mona Manager', departmentId: agency.id });
await grantRole(db, mona.id, 'manager', finance.id);
const carl = await newUser(db, { name: 'Carl Comms', departmentId: agency.id });
await grantRole(db, carl.id, 'communications');
const ada = await newUser(db, { name: 'Ada Admin', departmentId: agency.id });
await grantRole(db, ada.id, 'admin');

const as = {
	fiona: await contextFor(db, fiona.id),
	pat: await contextFor(db, pat.id),
	lee: await contextFor(db, lee.id),
	ida: await contextFor(db, ida.id),
	mona: await contextFor(db, mona.id),
	carl: await contextFor(db, carl.id),
	ada: await contextFor(db, ada.id)
};

const page = (
	space: string,
	title: string,
	body = `About ${title}.`,
	parentId: number | null = null
) => ({
	space,
	title,
	body,
	parentId,
	slug: undefined,
	summary: ''
});

describe('writing pages', () => {
	it('lets members write in their department’s space (sub-departments included), and no one else', async () => {
		const created = await createPage(as.fiona, page('finance', 'Budget rules'));
		expect(created.path).toBe('budget-rules');
		await expect(createPage(as.pat, page('finance', 'Pat page'))).resolves.toMatchObject({
			path: 'pat-page'
		});
		await expect(createPage(as.lee, page('finance', 'Lee page'))).rejects.toBeInstanceOf(
			ForbiddenError
		);
		await expect(createPage(as.mona, page('finance', 'Mona page'))).resolves.toBeTruthy();
		await expect(createPage(as.ada, page('finance', 'Ada page'))).resolves.toBeTruthy();
		const denied = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'page.create')
			.where('outcome', '=', 'denied')
			.selectAll()
			.execute();
		expect(denied).toHaveLength(1);
	});

	it('keeps the organisation-wide space to communications and administrators', async () => {
		await expect(createPage(as.fiona, page('organisation', 'Org rules'))).rejects.toBeInstanceOf(
			ForbiddenError
		);
		const org = await createPage(as.carl, page('organisation', 'Code of conduct'));
		expect(org.departmentId).toBeNull();
		// Everyone reads it.
		await expect(getPageView(as.ida, 'organisation', 'code-of-conduct')).resolves.toMatchObject({
			title: 'Code of conduct',
			can: { edit: false }
		});
	});

	it('refuses a taken address with a message on the slug field, and a parent in another space', async () => {
		await createPage(as.fiona, page('finance', 'Travel policy'));
		const taken = await createPage(as.fiona, page('finance', 'Travel Policy')).catch((e) => e);
		expect(taken).toBeInstanceOf(ValidationError);
		expect(taken.fields.slug).toMatch(/taken/);
		const orgPage = await createPage(as.carl, page('organisation', 'Holidays'));
		await expect(
			createPage(as.fiona, page('finance', 'Child', 'x', orgPage.id))
		).rejects.toBeInstanceOf(ValidationError);
	});

	it('numbers the addresses of titles in scripts an address leaves out, instead of refusing', async () => {
		const first = await createPage(as.fiona, page('finance', '日本語ガイド'));
		const second = await createPage(as.fiona, page('finance', 'Руководство по бюджету'));
		const third = await createPage(as.fiona, page('finance', '🎉'));
		expect([first.slug, second.slug, third.slug]).toEqual(['page', 'page-2', 'page-3']);
	});

	it('makes slugs from titles', () => {
		expect(slugify('Travel & expenses (2027)')).toBe('travel-expenses-2027');
		expect(slugify('Über Straße')).toBe('uber-stra-e');
		expect(slugify('!!!')).toBe('page');
	});
});

describe('members-only spaces', () => {
	it('exist only for their members: pages, the space, recent lists and previews', async () => {
		const secret = await createPage(as.ida, page('inquiries', 'Witness protocol'));
		await expect(getPageView(as.ida, 'inquiries', 'witness-protocol')).resolves.toBeTruthy();
		await expect(getPageView(as.lee, 'inquiries', 'witness-protocol')).rejects.toBeInstanceOf(
			NotFoundError
		);
		await expect(getPageViewById(as.fiona, secret.id)).rejects.toBeInstanceOf(NotFoundError);
		await expect(getSpaceView(as.fiona, 'inquiries')).rejects.toBeInstanceOf(NotFoundError);
		await expect(previewPage(as.fiona, 'inquiries', 'x')).rejects.toBeInstanceOf(NotFoundError);
		await expect(listPageHistory(as.lee, secret.id)).rejects.toBeInstanceOf(NotFoundError);
		const recentForLee = await listRecentlyUpdated(as.lee, 100);
		expect(recentForLee.map((p) => p.id)).not.toContain(secret.id);
		const recentForIda = await listRecentlyUpdated(as.ida, 100);
		expect(recentForIda.map((p) => p.id)).toContain(secret.id);
		// Even an administrator outside the department does not see it.
		await expect(getPageViewById(as.ada, secret.id)).rejects.toBeInstanceOf(NotFoundError);
	});

	it('are listed, writable, among the spaces of their members only', async () => {
		type Node = { slug: string; canWrite: boolean; children: Node[] };
		const find = (nodes: Node[], slug: string): Node | undefined =>
			nodes.map((n) => (n.slug === slug ? n : find(n.children, slug))).find(Boolean);
		const forIda = await listSpaces(as.ida);
		expect(find(forIda.departments, 'inquiries')?.canWrite).toBe(true);
		const forLee = await listSpaces(as.lee);
		expect(find(forLee.departments, 'legal')).toBeTruthy();
		expect(find(forLee.departments, 'inquiries')).toBeUndefined();
	});

	it('never resolves a wiki link from another space into them, nor shows their backlinks', async () => {
		const target = await createPage(as.ida, page('inquiries', 'Case intake'));
		const linking = await createPage(
			as.ida,
			page('inquiries', 'Case notes', 'See [[Code of conduct]] and [[Case intake]].')
		);
		// A link from a public page into the members-only space renders as "create this page".
		const outside = await createPage(
			as.lee,
			page('legal', 'Legal index', 'See [[inquiries:Case intake]].')
		);
		expect(outside.bodyHtml).not.toContain('/kb/inquiries/case-intake');
		expect(outside.bodyHtml).toContain('wiki-link missing');
		expect(linking.bodyHtml).toContain('href="/kb/inquiries/case-intake"');
		// The org page's backlinks name the members-only page only to its members.
		const forLee = await getPageView(as.lee, 'organisation', 'code-of-conduct');
		expect(forLee.backlinks.map((b) => b.id)).not.toContain(linking.id);
		const forIda = await getPageView(as.ida, 'organisation', 'code-of-conduct');
		expect(forIda.backlinks.map((b) => b.id)).toContain(linking.id);
		expect(target.id).toBeGreaterThan(0);
	});
});

describe('revisions', () => {
	it('keeps every save, refuses a save over a newer one with both versions, and loses nothing', async () => {
		const created = await createPage(as.fiona, page('finance', 'Expense claims', 'Version one.'));
		const second = await revisePage(as.fiona, created.id, {
			title: 'Expense claims',
			body: 'Version two.',
			summary: 'Clarified',
			baseRevision: 1
		});
		expect(second.revision).toBe(2);
		// Pat opened revision 2 and so did Fiona; Fiona saves first.
		await revisePage(as.fiona, created.id, {
			title: 'Expense claims',
			body: 'Fiona’s version three.',
			summary: '',
			baseRevision: 2
		});
		const conflict = await revisePage(as.pat, created.id, {
			title: 'Expense claims',
			body: 'Pat’s version three.',
			summary: '',
			baseRevision: 2
		}).catch((e) => e);
		expect(conflict).toBeInstanceOf(PageConflictError);
		expect(conflict.status).toBe(409);
		expect(conflict.current).toMatchObject({
			revision: 3,
			bodySource: 'Fiona’s version three.',
			updatedBy: 'Fiona Finance'
		});
		const history = await listPageHistory(as.pat, created.id);
		expect(history.revisions.map((r) => r.number)).toEqual([3, 2, 1]);
		expect(history.revisions[1]).toMatchObject({
			summary: 'Clarified',
			author: { name: 'Fiona Finance' }
		});
		// Saving the same text again adds nothing.
		const same = await revisePage(as.fiona, created.id, {
			title: 'Expense claims',
			body: 'Fiona’s version three.',
			summary: '',
			baseRevision: 3
		});
		expect(same.revision).toBe(3);
	});

	it('diffs any two revisions and restores an old one as a new revision', async () => {
		const created = await createPage(as.fiona, page('finance', 'Petty cash', 'Line A\nLine B\n'));
		await revisePage(as.fiona, created.id, {
			title: 'Petty cash',
			body: 'Line A\nLine C\nLine D\n',
			summary: '',
			baseRevision: 1
		});
		const diff = await diffPageRevisions(as.lee, created.id, 1, 2);
		expect(diff.added).toBe(2);
		expect(diff.removed).toBe(1);
		expect(diff.parts.find((p) => p.kind === 'removed')?.text).toBe('Line B\n');
		await expect(diffPageRevisions(as.lee, created.id, 1, 9)).rejects.toBeInstanceOf(NotFoundError);
		const restored = await restoreRevision(as.fiona, created.id, { revision: 1, baseRevision: 2 });
		expect(restored).toMatchObject({ revision: 3, bodySource: 'Line A\nLine B\n' });
		const third = await getPageRevision(as.lee, created.id, 3);
		expect(third).toMatchObject({ restoredFrom: 1, summary: 'Restored revision 1.' });
		// A stale history page cannot restore over a newer save.
		await expect(
			restoreRevision(as.fiona, created.id, { revision: 2, baseRevision: 2 })
		).rejects.toBeInstanceOf(ConflictError);
		// Someone who may read but not edit cannot restore.
		await expect(
			restoreRevision(as.lee, created.id, { revision: 2, baseRevision: 3 })
		).rejects.toBeInstanceOf(ForbiddenError);
	});

	it('refuses restoring a revision of another page', async () => {
		const a = await createPage(as.fiona, page('finance', 'Page A'));
		const b = await createPage(as.fiona, page('finance', 'Page B'));
		await revisePage(as.fiona, a.id, { title: 'Page A', body: 'A2', summary: '', baseRevision: 1 });
		await revisePage(as.fiona, a.id, { title: 'Page A', body: 'A3', summary: '', baseRevision: 2 });
		// Page B has only revision 1: "revision 3" names page A's, which does not belong to B.
		await expect(
			restoreRevision(as.fiona, b.id, { revision: 3, baseRevision: 1 })
		).rejects.toBeInstanceOf(NotFoundError);
	});
});

describe('the tree', () => {
	it('moves a page with its sub-pages, keeps links to them working, and refuses a move under itself', async () => {
		const guide = await createPage(as.fiona, page('finance', 'Guide'));
		const chapter = await createPage(as.fiona, page('finance', 'Chapter', 'c', guide.id));
		const section = await createPage(as.fiona, page('finance', 'Section', 's', chapter.id));
		expect(section.path).toBe('guide/chapter/section');
		const index = await createPage(as.fiona, page('finance', 'Index', 'Read [[Section]].'));
		expect(index.bodyHtml).toContain('href="/kb/finance/guide/chapter/section"');

		await expect(
			movePage(as.mona, guide.id, { parentId: section.id, slug: undefined })
		).rejects.toBeInstanceOf(ValidationError);
		await expect(
			movePage(as.mona, guide.id, { parentId: guide.id, slug: undefined })
		).rejects.toBeInstanceOf(ValidationError);

		const handbook = await createPage(as.fiona, page('finance', 'Handbook'));
		await movePage(as.mona, chapter.id, { parentId: handbook.id, slug: 'part-one' });
		const moved = await getPageView(as.lee, 'finance', 'handbook/part-one/section');
		expect(moved.breadcrumbs.map((b) => b.title)).toEqual(['Handbook', 'Chapter']);
		const reread = await getPageViewById(as.lee, index.id);
		expect(reread.bodyHtml).toContain('href="/kb/finance/handbook/part-one/section"');
		// Only those who govern the page move it.
		await expect(
			movePage(as.pat, chapter.id, { parentId: null, slug: undefined })
		).rejects.toBeInstanceOf(ForbiddenError);
		const tree = await getSpaceView(as.lee, 'finance');
		const handbookNode = tree.tree.find((n) => n.id === handbook.id)!;
		expect(handbookNode.children.map((c) => c.title)).toEqual(['Chapter']);
	});

	it('sends old addresses of moved pages to where they are now, until a live page takes the address', async () => {
		const manual = await createPage(as.fiona, page('finance', 'Manual'));
		const part = await createPage(as.fiona, page('finance', 'Part', 'p', manual.id));
		const archive = await createPage(as.fiona, page('finance', 'Archive'));
		await movePage(as.mona, manual.id, { parentId: archive.id, slug: 'old-manual' });

		// The page and the page below it, from their addresses before the move.
		const movedTo = async (viewer: typeof as.lee, path: string, space = 'finance') => {
			const error = await getPageView(viewer, space, path).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(PageMovedError);
			return (error as PageMovedError).href;
		};
		expect(await movedTo(as.lee, 'manual')).toBe('/kb/finance/archive/old-manual');
		expect(await movedTo(as.lee, 'manual/part')).toBe('/kb/finance/archive/old-manual/part');

		// Moved twice: the first address still reaches the page where it is now.
		await movePage(as.mona, manual.id, { parentId: null, slug: 'handbook-2026' });
		expect(await movedTo(as.lee, 'manual/part')).toBe('/kb/finance/handbook-2026/part');
		expect(await movedTo(as.lee, 'archive/old-manual')).toBe('/kb/finance/handbook-2026');

		// A new page at an old address is that address's page now.
		const fresh = await createPage(as.fiona, page('finance', 'Manual'));
		expect((await getPageView(as.lee, 'finance', 'manual')).id).toBe(fresh.id);

		// A deleted page's old address is gone with it; a space one may not see says nothing.
		await deletePage(as.fiona, part.id);
		await expect(getPageView(as.lee, 'finance', 'manual/part')).rejects.toBeInstanceOf(
			NotFoundError
		);
		const secret = await createPage(as.ida, page('inquiries', 'Hidden manual'));
		await movePage(as.ida, secret.id, { parentId: null, slug: 'hidden-manual-2' });
		await expect(getPageView(as.lee, 'inquiries', 'hidden-manual')).rejects.toBeInstanceOf(
			NotFoundError
		);
		expect(await movedTo(as.ida, 'hidden-manual', 'inquiries')).toBe(
			'/kb/inquiries/hidden-manual-2'
		);
	});

	it('turns a waiting link into a real one when its page is written, and shows backlinks', async () => {
		const faq = await createPage(as.fiona, page('finance', 'FAQ', 'See [[Refunds]].'));
		expect(faq.bodyHtml).toContain('wiki-link missing');
		expect(faq.bodyHtml).toContain('/kb/new?space=finance&amp;title=Refunds');
		const refunds = await createPage(as.fiona, page('finance', 'Refunds'));
		const faqNow = await getPageViewById(as.lee, faq.id);
		expect(faqNow.bodyHtml).toContain('href="/kb/finance/refunds" class="wiki-link"');
		const refundsView = await getPageViewById(as.lee, refunds.id);
		expect(refundsView.backlinks.map((b) => b.title)).toEqual(['FAQ']);
	});

	it('refuses deleting a page with sub-pages, then deletes it once they are gone', async () => {
		const parent = await createPage(as.fiona, page('finance', 'Old parent'));
		const child = await createPage(as.fiona, page('finance', 'Old child', 'x', parent.id));
		await expect(deletePage(as.mona, parent.id)).rejects.toBeInstanceOf(ConflictError);
		await expect(deletePage(as.lee, child.id)).rejects.toBeInstanceOf(ForbiddenError);
		await deletePage(as.fiona, child.id);
		await deletePage(as.fiona, parent.id);
		await expect(getPageViewById(as.fiona, parent.id)).rejects.toBeInstanceOf(NotFoundError);
		// The address is free again.
		await expect(createPage(as.fiona, page('finance', 'Old parent'))).resolves.toBeTruthy();
	});
});

describe('the list of pages', () => {
	it('pages through pages saved in the same instant, each once', async () => {
		const ids: number[] = [];
		for (const title of ['Alpha list', 'Beta list', 'Gamma list', 'Delta list', 'Epsilon list'])
			ids.push((await createPage(as.fiona, page('finance', title))).id);
		// As a seed or an import saves them: one transaction's now(), to the microsecond.
		await sql`update kb_page set updated_at = '2026-12-01 09:00:00.123456+00' where id = any(${ids}::bigint[])`.execute(
			db
		);
		const seen: number[] = [];
		let cursor: string | null = null;
		do {
			const page: Awaited<ReturnType<typeof listPages>> = await listPages(as.fiona, {
				space: 'finance',
				cursor,
				limit: 2
			});
			seen.push(...page.pages.map((p) => p.id));
			cursor = page.nextCursor;
		} while (cursor && seen.length < 50);
		expect(seen.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
		expect(new Set(seen).size).toBe(seen.length);
	});
});

describe('governance', () => {
	it('lets the owner set a review date, lists due pages, and marks overdue ones for readers', async () => {
		const p = await createPage(as.fiona, page('finance', 'Audit checklist'));
		await setPageGovernance(as.fiona, p.id, {
			ownerId: fiona.id,
			reviewBy: '2020-01-31',
			editRestricted: false,
			editorIds: []
		});
		const due = await listMyPagesDueForReview(as.fiona);
		expect(due).toContainEqual(
			expect.objectContaining({ id: p.id, overdue: true, reviewBy: '2020-01-31' })
		);
		const view = await getPageViewById(as.lee, p.id);
		expect(view).toMatchObject({ overdue: true, reviewBy: '2020-01-31', verified: false });
		await verifyPage(as.fiona, p.id, '2999-12-31');
		// Verifying is a review: the page is no longer overdue, and its next review is when the
		// verification ends.
		expect(await getPageViewById(as.lee, p.id)).toMatchObject({
			verified: true,
			verifiedBy: { name: 'Fiona Finance' },
			overdue: false,
			reviewBy: '2999-12-31'
		});
		expect((await listMyPagesDueForReview(as.fiona)).map((d) => d.id)).not.toContain(p.id);
		await expect(verifyPage(as.fiona, p.id, '2001-01-01')).rejects.toBeInstanceOf(ValidationError);
		await expect(verifyPage(as.lee, p.id, null)).rejects.toBeInstanceOf(ForbiddenError);
	});

	it('restricts editing to named people when asked, and refuses an owner who cannot see the page', async () => {
		const p = await createPage(as.fiona, page('finance', 'Signing authority'));
		await setPageGovernance(as.mona, p.id, {
			ownerId: fiona.id,
			reviewBy: null,
			editRestricted: true,
			editorIds: [pat.id]
		});
		await expect(
			revisePage(as.pat, p.id, {
				title: 'Signing authority',
				body: 'Pat edits',
				summary: '',
				baseRevision: 1
			})
		).resolves.toMatchObject({ revision: 2 });
		await expect(
			revisePage(as.mona, p.id, {
				title: 'Signing authority',
				body: 'Mona edits',
				summary: '',
				baseRevision: 2
			})
		).rejects.toBeInstanceOf(ForbiddenError);
		await expect(
			revisePage(as.fiona, p.id, {
				title: 'Signing authority',
				body: 'Owner edits',
				summary: '',
				baseRevision: 2
			})
		).resolves.toMatchObject({ revision: 3 });
		const secret = await createPage(as.ida, page('inquiries', 'Sealed'));
		await expect(
			setPageGovernance(as.ida, secret.id, {
				ownerId: lee.id,
				reviewBy: null,
				editRestricted: false,
				editorIds: []
			})
		).rejects.toBeInstanceOf(ValidationError);
	});
});

describe('rendering', () => {
	it('renders inert what is hostile, with anchors for the table of contents', async () => {
		const p = await createPage(
			as.fiona,
			page(
				'finance',
				'Hostile',
				'# Intro\n\n<script>alert(1)</script> [x](javascript:alert(1)) [[a|<img src=x onerror=alert(1)>]]\n\n## Intro'
			)
		);
		expect(p.bodyHtml).not.toMatch(/<script|<img|href="javascript:/);
		expect(p.bodyHtml).toContain('<h2 id="h-intro">');
		expect(p.toc).toEqual([
			{ level: 2, id: 'h-intro', text: 'Intro' },
			{ level: 3, id: 'h-intro-2', text: 'Intro' }
		]);
		const preview = await previewPage(as.fiona, 'finance', '## Hello [[Refunds]]');
		expect(preview.html).toContain('<h3 id="h-hello-refunds">');
		expect(preview.html).toContain('href="/kb/finance/refunds"');
	});
});
