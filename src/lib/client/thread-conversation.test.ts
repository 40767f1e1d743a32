import { describe, expect, it } from 'vitest';
import type { MessageView, ThreadView } from '$lib/shared/threads';
import { ThreadConversation } from './thread-conversation.svelte.ts';

const thread: ThreadView = {
	id: 7,
	title: 'Rota',
	department: null,
	subject: null,
	announceOnly: false,
	lastSeq: 100,
	lastMessageAt: null,
	createdAt: '2026-12-04T08:00:00.000Z',
	can: { post: true }
};

const message = (seq: number, bodyHtml = `<p>Message ${seq}</p>`): MessageView => ({
	id: 1000 + seq,
	threadId: thread.id,
	seq,
	clientKey: `key-${seq}`,
	author: { id: 2, name: 'Bob', title: '' },
	bodyHtml,
	bodySource: '',
	replyTo: null,
	createdAt: '2026-12-04T08:00:00.000Z',
	editedAt: null,
	deleted: false,
	reactions: []
});

/** The latest 50 of a 100-message thread, as a page opens it. */
function latestPage() {
	return new ThreadConversation({
		thread: { ...thread },
		messages: Array.from({ length: 50 }, (_, i) => message(51 + i)),
		hasOlder: true,
		readSeq: 100,
		meId: 1
	});
}

describe('a conversation hearing messages live', () => {
	it('adds a new message after the ones shown', () => {
		const conversation = latestPage();
		expect(conversation.receiveLive(message(101))).toBe(false);
		expect(conversation.messages.at(-1)?.seq).toBe(101);
	});

	it('replaces a shown message that was edited or reacted to', () => {
		const conversation = latestPage();
		conversation.receiveLive(message(60, '<p>Edited</p>'));
		expect(conversation.messages).toHaveLength(50);
		expect(conversation.messages.find((m) => m.seq === 60)?.bodyHtml).toBe('<p>Edited</p>');
	});

	it('leaves out a change to a message older than those shown, instead of fetching the history in between', () => {
		const conversation = latestPage();
		expect(conversation.receiveLive(message(3, '<p>Someone reacted</p>'))).toBe(false);
		expect(conversation.messages).toHaveLength(50);
		expect(conversation.messages[0]?.seq).toBe(51);
	});

	it('asks for what is missing when a new message leaves a gap', () => {
		const conversation = latestPage();
		expect(conversation.receiveLive(message(104))).toBe(true);
	});
});
