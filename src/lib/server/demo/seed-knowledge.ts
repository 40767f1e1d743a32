/**
 * Writes the demo wiki (demo/knowledge-content.ts) inside the demo seed's transaction, through
 * the same renderer, revisions and link rows as pages saved in the app.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { renderPageInSpace } from '../knowledge/page-links.ts';
import {
	insertPage,
	updatePageContent,
	updatePageGovernance,
	updatePageHtml
} from '../knowledge/page.repository.ts';
import { insertRevision } from '../knowledge/page-revision.repository.ts';
import { replacePageLinks } from '../knowledge/page-link.repository.ts';
import { demoPages } from './knowledge-content.ts';

type People = Map<string, { id: number }>;

const day = (now: Date, offset: number) =>
	new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

export async function seedDemoKnowledge(
	trx: Transaction<DB>,
	people: People,
	departmentIds: Map<string, number>,
	now: Date
): Promise<number> {
	const person = (email: string) => {
		const found = people.get(email);
		if (!found) throw new Error(`demo wiki names an unknown person: ${email}`);
		return found.id;
	};
	const spaceOf = (slug: string) => {
		if (slug === 'organisation') return null;
		const id = departmentIds.get(slug);
		if (id === undefined) throw new Error(`demo wiki names an unknown space: ${slug}`);
		return id;
	};
	const created: { id: number; departmentId: number | null; bodySource: string }[] = [];
	const paths = new Map<string, { id: number; path: string }>();
	for (const demo of demoPages) {
		const departmentId = spaceOf(demo.space);
		const author = person(demo.author);
		const parent = demo.parent ? paths.get(`${demo.space}/${demo.parent}`) : undefined;
		if (demo.parent && !parent) throw new Error(`demo page ${demo.title} comes before its parent`);
		const path = parent ? `${parent.path}/${demo.slug}` : demo.slug;
		const first = await renderPageInSpace(trx, departmentId, demo.body);
		const createdAt = new Date(now.getTime() - (demo.revisedBy ? 20 : 3) * 86_400_000);
		let page = await insertPage(trx, {
			departmentId,
			parentId: parent?.id ?? null,
			slug: demo.slug,
			path,
			title: demo.title,
			bodySource: demo.body,
			bodyHtml: first.html,
			toc: first.toc,
			ownerId: author,
			createdBy: author,
			updatedBy: author
		});
		await insertRevision(trx, {
			pageId: page.id,
			number: 1,
			title: demo.title,
			bodySource: demo.body,
			bodyHtml: first.html,
			summary: 'Created the page.',
			authorId: author,
			createdAt
		});
		if (demo.revisedBy) {
			const editor = person(demo.revisedBy.author);
			const second = await renderPageInSpace(trx, departmentId, demo.revisedBy.body);
			const editedAt = new Date(now.getTime() - 2 * 86_400_000);
			page = await updatePageContent(trx, page.id, {
				title: demo.title,
				bodySource: demo.revisedBy.body,
				bodyHtml: second.html,
				toc: second.toc,
				revision: 2,
				updatedBy: editor,
				updatedAt: editedAt
			});
			await insertRevision(trx, {
				pageId: page.id,
				number: 2,
				title: demo.title,
				bodySource: demo.revisedBy.body,
				bodyHtml: second.html,
				summary: demo.revisedBy.summary,
				authorId: editor,
				createdAt: editedAt
			});
		}
		await updatePageGovernance(trx, page.id, {
			reviewBy: demo.reviewInDays === undefined ? null : day(now, demo.reviewInDays),
			verifiedUntil: demo.verifiedForDays === undefined ? null : day(now, demo.verifiedForDays),
			verifiedBy: demo.verifiedForDays === undefined ? null : author
		});
		paths.set(`${demo.space}/${demo.slug}`, { id: page.id, path });
		created.push({ id: page.id, departmentId, bodySource: page.bodySource });
	}
	// Now that every page exists, links between them resolve (in either order) and count as
	// backlinks.
	for (const page of created) {
		const rendered = await renderPageInSpace(trx, page.departmentId, page.bodySource);
		await updatePageHtml(trx, page.id, rendered.html);
		await replacePageLinks(trx, page.id, rendered.linkRows);
	}
	return created.length;
}
