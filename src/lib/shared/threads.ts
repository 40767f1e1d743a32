/** What thread pages, the socket events and the JSON API show of threads and messages. */
import type { ReactionKind } from './feeds.ts';

export const MESSAGE_MAX_LENGTH = 10_000;

/** Reactions on a message, the same for every viewer (the client works out its own). */
export type MessageReaction = { kind: ReactionKind; userIds: number[] };

export type ThreadView = {
	id: number;
	title: string;
	/** null: the whole organisation. */
	department: { id: number; name: string; slug: string } | null;
	subject: { type: 'post' | 'page' | 'memo'; id: number } | null;
	announceOnly: boolean;
	lastSeq: number;
	lastMessageAt: string | null;
	createdAt: string;
	can: { post: boolean };
};

export type ThreadListItem = ThreadView & { readSeq: number | null; unread: number };

export type MessageView = {
	id: number;
	threadId: number;
	seq: number;
	clientKey: string;
	author: { id: number; name: string; title: string };
	/** Empty once deleted: the tombstone shows "message deleted". */
	bodyHtml: string;
	/** The markdown (for its author's edit box); empty once deleted. */
	bodySource: string;
	replyTo: { id: number; seq: number; authorName: string; excerpt: string } | null;
	createdAt: string;
	editedAt: string | null;
	deleted: boolean;
	reactions: MessageReaction[];
};

/** Every socket acknowledgement: a result, or an error a person can act on. */
export type Ack<T> =
	{ ok: true; data: T } | { ok: false; error: { code: string; message: string } };
