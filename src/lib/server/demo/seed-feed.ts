/**
 * Writes the demo feed (demo/feed-content.ts) inside the demo seed's transaction, through the
 * same renderer and notification rows as real posts.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { renderExcerpt, renderMarkdown } from '../markdown/render.ts';
import { insertNotifications } from '../notifications/notification.repository.ts';
import { demoPosts } from './feed-content.ts';

type People = Map<string, { id: number; name: string; departmentId: number }>;

/** `@{email}` to the mention link the composer would have inserted. */
function withMentions(body: string, people: People): string {
	return body.replace(/@\{([^}]+)\}/g, (_, email: string) => {
		const person = people.get(email);
		return person ? `[@${person.name}](/people/${person.id})` : email;
	});
}

export async function seedDemoFeed(
	trx: Transaction<DB>,
	people: People,
	now: Date
): Promise<number> {
	const person = (email: string) => {
		const found = people.get(email);
		if (!found) throw new Error(`demo feed names an unknown person: ${email}`);
		return found;
	};
	for (const demo of demoPosts) {
		const author = person(demo.author);
		const createdAt = new Date(now.getTime() - demo.minutesAgo * 60_000);
		const source = withMentions(demo.body, people);
		const { html, mentions } = renderMarkdown(source);
		const post = await trx
			.insertInto('post')
			.values({
				authorId: author.id,
				departmentId: demo.organisationWide ? null : author.departmentId,
				bodySource: source,
				bodyHtml: html,
				isAnnouncement: demo.announcement ?? false,
				pinnedAt: demo.pinned ? createdAt : null,
				pinnedBy: demo.pinned ? author.id : null,
				createdAt
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await insertNotifications(trx, {
			recipientIds: mentions,
			kind: 'mention',
			actorId: author.id,
			subjectType: 'post',
			subjectId: post.id,
			context: { postId: post.id, excerpt: renderExcerpt(source, 160) }
		});
		if (demo.reactions?.length)
			await trx
				.insertInto('postReaction')
				.values(
					demo.reactions.map((r) => ({
						postId: post.id,
						userId: person(r.author).id,
						kind: r.kind
					}))
				)
				.execute();
		let count = 0;
		let minute = 1;
		for (const comment of demo.comments ?? []) {
			const at = () => new Date(createdAt.getTime() + minute++ * 60_000);
			const parent = await trx
				.insertInto('postComment')
				.values({
					postId: post.id,
					authorId: person(comment.author).id,
					bodySource: comment.body,
					bodyHtml: renderMarkdown(comment.body).html,
					createdAt: at()
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			count++;
			for (const reply of comment.replies ?? []) {
				await trx
					.insertInto('postComment')
					.values({
						postId: post.id,
						parentId: parent.id,
						authorId: person(reply.author).id,
						bodySource: reply.body,
						bodyHtml: renderMarkdown(reply.body).html,
						createdAt: at()
					})
					.execute();
				count++;
			}
		}
		if (count)
			await trx
				.updateTable('post')
				.set({ commentCount: count })
				.where('id', '=', post.id)
				.execute();
	}
	return demoPosts.length;
}
