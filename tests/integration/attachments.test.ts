/**
 * Uploads against a real database and a real folder: the type comes from the bytes, sizes are
 * bounded, and a file is served only to its uploader until attached, then to the post's readers.
 * Posts are written straight into the table so these tests do not depend on the posts service.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { isHttpError } from '@sveltejs/kit';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { NotFoundError, ValidationError } from '../../src/lib/server/errors.ts';
import {
	attachFiles,
	listAttachmentsForPosts
} from '../../src/lib/server/files/attachment.repository.ts';
import {
	deleteUnattachedAttachments,
	openAttachment,
	uploadAttachment
} from '../../src/lib/server/files/attachment.service.ts';
import { LocalDiskStorage, useFileStorageForTests } from '../../src/lib/server/files/storage.ts';
import { POST } from '../../src/routes/(app)/files/+server.ts';
import { GET } from '../../src/routes/(app)/files/[id=id]/[name]/+server.ts';
import { getPostView } from '../../src/lib/server/feeds/feed.service.ts';
import { canViewPost, createPost } from '../../src/lib/server/feeds/post.service.ts';
import { getPageViewById } from '../../src/lib/server/knowledge/page-view.service.ts';
import {
	canViewPage,
	createPage,
	revisePage
} from '../../src/lib/server/knowledge/page.service.ts';
import { contextFor, newDepartment, newPost, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

/** The holder checks for files in these tests: posts as given, no pages. */
const onlyPosts = (post: (postId: number) => Promise<boolean>) => ({
	post,
	page: async () => false,
	memo: async () => false
});
const folder = await mkdtemp(path.join(tmpdir(), 'commons-uploads-'));
const storage = new LocalDiskStorage(folder);
useFileStorageForTests(storage);
afterAll(() => rm(folder, { recursive: true, force: true }));

/** A real PNG of the given size: greyscale, every row unfiltered. */
function png(width: number, height: number): Uint8Array {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (bytes: Buffer) => {
		let c = 0xffffffff;
		for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const out = Buffer.alloc(12 + data.length);
		out.writeUInt32BE(data.length, 0);
		body.copy(out, 4);
		out.writeUInt32BE(crc(body), 8 + data.length);
		return out;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth; colour type 0 (greyscale) is already zero
	const rows = Buffer.alloc((width + 1) * height, 0x80);
	for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter: none
	return new Uint8Array(
		Buffer.concat([
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
			chunk('IHDR', header),
			chunk('IDAT', deflateSync(rows)),
			chunk('IEND', Buffer.alloc(0))
		])
	);
}

/** The start of a Windows executable: an MZ header pointing at a PE signature. */
function windowsProgram(): Uint8Array {
	const bytes = Buffer.alloc(512);
	bytes.set([0x4d, 0x5a, 0x90, 0x00], 0);
	bytes.writeUInt32LE(0x80, 0x3c);
	bytes.write('PE\0\0', 0x80, 'binary');
	return new Uint8Array(bytes);
}

const text = (s: string) => new TextEncoder().encode(s);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const refusal = (ctx: RequestContext, fileName: string, bytes: Uint8Array) =>
	uploadAttachment(ctx, { fileName, bytes }).then(
		() => null,
		(e: unknown) => e
	);

const team = await newDepartment(db);
const author = await newUser(db, { departmentId: team.id });
const colleague = await newUser(db, { departmentId: team.id });
const authorCtx = await contextFor(db, author.id);
const colleagueCtx = await contextFor(db, colleague.id);

describe('uploads', () => {
	it('accept a real image with its size, store its hash, and keep the name out of the key', async () => {
		const bytes = png(3, 2);
		const view = await uploadAttachment(authorCtx, { fileName: '../../etc/chart.png', bytes });
		expect(view).toMatchObject({
			fileName: 'chart.png',
			contentType: 'image/png',
			width: 3,
			height: 2,
			isImage: true,
			byteSize: bytes.byteLength,
			url: `/files/${view.id}/chart.png`
		});
		const row = await db
			.selectFrom('attachment')
			.where('id', '=', view.id)
			.selectAll()
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ sha256: sha256(bytes), postId: null, uploaderId: author.id });
		expect(row.storageKey).toMatch(/^\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
		expect(Buffer.from((await storage.get(row.storageKey))!).equals(Buffer.from(bytes))).toBe(true);
	});

	it('refuse a program renamed .png, naming the file and what it looks like', async () => {
		const error = await refusal(authorCtx, 'setup.png', windowsProgram());
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as Error).message).toBe(
			'“setup.png” is not an allowed file type (it looks like a Windows program). ' +
				'Allowed: images (PNG, JPEG, GIF, WebP), PDF, office documents, text and CSV.'
		);
		// The field's own message says the same: without JavaScript it is the one shown.
		expect((error as ValidationError).fields.attachments).toBe((error as Error).message);
	});

	it('refuse SVG, a file over 10 MB, a damaged image and binary data named .csv', async () => {
		const svg = text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
		expect(await refusal(authorCtx, 'logo.svg', svg)).toBeInstanceOf(ValidationError);

		const huge = new Uint8Array(11 * 1024 * 1024);
		huge.set(png(1, 1));
		const tooBig = await refusal(authorCtx, 'huge.png', huge);
		expect(tooBig).toBeInstanceOf(ValidationError);
		expect((tooBig as Error).message).toBe('“huge.png” is 11.0 MB; files can be at most 10 MB.');
		const justOver = new Uint8Array(10 * 1024 * 1024 + 19);
		expect(((await refusal(authorCtx, 'big.pdf', justOver)) as Error).message).toBe(
			'“big.pdf” is just over 10 MB; files can be at most 10 MB.'
		);

		const damaged = png(2, 2).subarray(0, 20);
		expect(await refusal(authorCtx, 'damaged.png', damaged)).toMatchObject({
			message: '“damaged.png” looks like an image but it is damaged. Choose a different file.'
		});
		const binary = new Uint8Array([0x6c, 0x69, 0, 1, 2, 3, 0xff]);
		expect(await refusal(authorCtx, 'data.csv', binary)).toBeInstanceOf(ValidationError);
		expect(await refusal(authorCtx, 'notes.exe', text('plain words'))).toBeInstanceOf(
			ValidationError
		);
	});

	it('accept CSV by its name when the bytes are UTF-8 text, and PDF by its content', async () => {
		const csv = await uploadAttachment(authorCtx, {
			fileName: 'budget.csv',
			bytes: text('line,amount\ntravel,120\ncafé,3\n')
		});
		expect(csv).toMatchObject({ contentType: 'text/csv', isImage: false, width: null });
		const pdf = await uploadAttachment(authorCtx, {
			fileName: 'report',
			bytes: text('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')
		});
		expect(pdf.contentType).toBe('application/pdf');
	});
});

describe('attaching and opening', () => {
	it('attach only the uploader’s own unattached files, and list them per post', async () => {
		const mine = await uploadAttachment(authorCtx, { fileName: 'plan.png', bytes: png(4, 4) });
		const theirs = await uploadAttachment(colleagueCtx, { fileName: 'x.png', bytes: png(1, 1) });
		const post = await newPost(db, { authorId: author.id, departmentId: team.id });
		const other = await newPost(db, { authorId: author.id, departmentId: team.id });

		const attach = (ids: number[], postId: number) =>
			db
				.transaction()
				.execute((trx) =>
					attachFiles(trx, { postId }, { attachmentIds: ids, uploaderId: author.id })
				);
		expect(await attach([mine.id, theirs.id], post.id)).toBe(1);
		// Already attached: it cannot be moved to another post.
		expect(await attach([mine.id], other.id)).toBe(0);

		const lists = await listAttachmentsForPosts(db, [post.id, other.id]);
		expect(lists.get(post.id)).toMatchObject([{ id: mine.id, width: 4, height: 4 }]);
		expect(lists.get(other.id)).toEqual([]);
	});

	it('open a file for its uploader, for the post’s readers, and for nobody else', async () => {
		const upload = await uploadAttachment(authorCtx, { fileName: 'memo.png', bytes: png(2, 2) });
		// Unattached: only its uploader, whatever the post check would say.
		await expect(
			openAttachment(
				colleagueCtx,
				upload.id,
				onlyPosts(async () => true)
			)
		).rejects.toBeInstanceOf(NotFoundError);
		const own = await openAttachment(
			authorCtx,
			upload.id,
			onlyPosts(async () => false)
		);
		expect(own).toMatchObject({ contentType: 'image/png', fileName: 'memo.png', isImage: true });

		const post = await newPost(db, { authorId: author.id, departmentId: team.id });
		await attachFiles(
			db,
			{ postId: post.id },
			{ attachmentIds: [upload.id], uploaderId: author.id }
		);
		const asked: number[] = [];
		const opened = await openAttachment(
			colleagueCtx,
			upload.id,
			onlyPosts(async (postId) => {
				asked.push(postId);
				return true;
			})
		);
		expect(asked).toEqual([post.id]);
		expect(Buffer.from(opened.bytes).equals(Buffer.from(png(2, 2)))).toBe(true);
		// Attached to a post they may not see: as if it did not exist, even for its uploader.
		await expect(
			openAttachment(
				authorCtx,
				upload.id,
				onlyPosts(async () => false)
			)
		).rejects.toBeInstanceOf(NotFoundError);
		await expect(
			openAttachment(
				authorCtx,
				999_999,
				onlyPosts(async () => true)
			)
		).rejects.toBeInstanceOf(NotFoundError);
	});

	it('serve files with safe headers, a hash ETag and 304 when unchanged', async () => {
		const image = await uploadAttachment(authorCtx, { fileName: 'café.png', bytes: png(1, 1) });
		const csv = await uploadAttachment(authorCtx, {
			fileName: "Q1 plan's.csv",
			bytes: text('a,b\n')
		});
		const get = async (
			ctx: RequestContext,
			id: number,
			headers: Record<string, string> = {}
		): Promise<Response> =>
			GET({
				params: { id: String(id), name: 'x' },
				request: new Request(`http://commons.test/files/${id}/x`, { headers }),
				locals: { actor: ctx.actor },
				getClientAddress: () => '127.0.0.1'
			} as unknown as Parameters<typeof GET>[0]);

		const shown = await get(authorCtx, image.id);
		expect(shown.status).toBe(200);
		expect(Object.fromEntries(shown.headers)).toMatchObject({
			'content-type': 'image/png',
			'content-disposition': `inline; filename="caf_.png"; filename*=UTF-8''caf%C3%A9.png`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, max-age=3600',
			etag: `"${sha256(png(1, 1))}"`
		});
		expect(shown.headers.get('content-security-policy')).toMatch(/^sandbox/);
		expect(Buffer.from(await shown.arrayBuffer()).equals(Buffer.from(png(1, 1)))).toBe(true);

		const unchanged = await get(authorCtx, image.id, {
			'if-none-match': shown.headers.get('etag')!
		});
		expect(unchanged.status).toBe(304);

		const download = await get(authorCtx, csv.id);
		expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(download.headers.get('content-disposition')).toBe(
			`attachment; filename="Q1 plan's.csv"; filename*=UTF-8''Q1%20plan%27s.csv`
		);

		const hidden = await get(colleagueCtx, image.id).catch((e: unknown) => e);
		expect(isHttpError(hidden, 404)).toBe(true);
	});
});

describe('the upload endpoint', () => {
	const post = (form: FormData) =>
		POST({
			request: new Request('http://commons.test/files', { method: 'POST', body: form }),
			locals: { actor: authorCtx.actor },
			getClientAddress: () => '127.0.0.1'
		} as unknown as Parameters<typeof POST>[0]);

	it('takes several files in the field “file” and answers their DTOs', async () => {
		const form = new FormData();
		form.append('file', new File([png(5, 6) as BlobPart], 'one.png'));
		form.append('file', new File(['a,b\n'], 'two.csv'));
		const response = await post(form);
		expect(response.status).toBe(201);
		const body = await response.json();
		expect(body.attachments).toMatchObject([
			{ fileName: 'one.png', width: 5, height: 6, isImage: true },
			{ fileName: 'two.csv', contentType: 'text/csv', isImage: false }
		]);
	});

	it('answers 400 with the API’s error shape for a refused file', async () => {
		const form = new FormData();
		form.append('file', new File([windowsProgram() as BlobPart], 'setup.png'));
		const response = await post(form);
		expect(response.status).toBe(400);
		expect((await response.json()).error.message).toMatch(/^“setup.png” is not an allowed/);
	});
});

describe('housekeeping', () => {
	it('removes old unattached uploads, rows and bytes, and keeps attached ones', async () => {
		const abandoned = await uploadAttachment(authorCtx, {
			fileName: 'draft.png',
			bytes: png(1, 1)
		});
		const kept = await uploadAttachment(authorCtx, { fileName: 'kept.png', bytes: png(1, 1) });
		const post = await newPost(db, { authorId: author.id, departmentId: team.id });
		await attachFiles(db, { postId: post.id }, { attachmentIds: [kept.id], uploaderId: author.id });
		const keyOf = async (id: number) =>
			(
				await db
					.selectFrom('attachment')
					.where('id', '=', id)
					.select('storageKey')
					.executeTakeFirst()
			)?.storageKey;
		const abandonedKey = (await keyOf(abandoned.id))!;
		const filesBefore = (await readdir(folder, { recursive: true })).length;

		// Nothing is old enough yet.
		expect(await deleteUnattachedAttachments(db, new Date(Date.now() - 3_600_000))).toBe(0);
		const removed = await deleteUnattachedAttachments(db, new Date(Date.now() + 60_000));
		expect(removed).toBeGreaterThanOrEqual(1);
		expect(await keyOf(abandoned.id)).toBeUndefined();
		expect(await storage.get(abandonedKey)).toBeNull();
		expect((await readdir(folder, { recursive: true })).length).toBeLessThan(filesBefore);
		expect(await keyOf(kept.id)).toBeDefined();
		expect(
			await openAttachment(
				authorCtx,
				kept.id,
				onlyPosts(async () => true)
			)
		).toBeDefined();
	});
});

describe('with the posts service', () => {
	it('publishes a post with the uploader’s files only, and serves them to its readers', async () => {
		const upload = await uploadAttachment(authorCtx, { fileName: 'plan.png', bytes: png(4, 4) });
		// Someone else cannot attach it to their post: nothing is written.
		await expect(
			createPost(colleagueCtx, {
				body: 'Borrowing a file',
				audience: team.id,
				announcement: false,
				attachmentIds: [upload.id]
			})
		).rejects.toBeInstanceOf(ValidationError);
		const post = await createPost(authorCtx, {
			body: 'The plan',
			audience: team.id,
			announcement: false,
			attachmentIds: [upload.id]
		});
		expect((await getPostView(colleagueCtx, post.id)).attachments).toMatchObject([
			{ id: upload.id, width: 4, height: 4, isImage: true }
		]);
		const opened = await openAttachment(
			colleagueCtx,
			upload.id,
			onlyPosts((id) => canViewPost(colleagueCtx, id))
		);
		expect(opened.contentType).toBe('image/png');
	});

	it('keeps the files of a members-only department’s posts from everyone else', async () => {
		const secretTeam = await newDepartment(db, { visibility: 'members-only' });
		const insider = await contextFor(db, (await newUser(db, { departmentId: secretTeam.id })).id);
		const upload = await uploadAttachment(insider, { fileName: 'evidence.png', bytes: png(2, 2) });
		await createPost(insider, {
			body: 'Evidence',
			audience: secretTeam.id,
			announcement: false,
			attachmentIds: [upload.id]
		});
		// A fresh context, as every request loads its person (and what is hidden from them) anew.
		const outsider = await contextFor(db, colleague.id);
		await expect(
			openAttachment(
				outsider,
				upload.id,
				onlyPosts((id) => canViewPost(outsider, id))
			)
		).rejects.toBeInstanceOf(NotFoundError);
	});

	it('attach to a page the files its text links to, served only to people who may see it', async () => {
		const secretTeam = await newDepartment(db, { visibility: 'members-only' });
		const writer = await contextFor(db, (await newUser(db, { departmentId: secretTeam.id })).id);
		const chart = await uploadAttachment(writer, { fileName: 'chart.png', bytes: png(4, 3) });
		const later = await uploadAttachment(writer, { fileName: 'later.png', bytes: png(2, 2) });
		// Someone else's upload cannot be claimed by linking to it.
		const foreign = await uploadAttachment(authorCtx, { fileName: 'theirs.png', bytes: png(2, 2) });
		const page = await createPage(writer, {
			space: secretTeam.slug,
			parentId: null,
			slug: undefined,
			title: 'Evidence handling',
			body: `![chart](${chart.url})\n\n[theirs](${foreign.url})`,
			summary: ''
		});
		expect(page.bodyHtml).toContain(`<img src="${chart.url}"`);
		let view = await getPageViewById(writer, page.id);
		expect(view.attachments.map((a) => a.fileName)).toEqual(['chart.png']);
		await revisePage(writer, page.id, {
			title: 'Evidence handling',
			body: `![chart](${chart.url}) and [later](${later.url})`,
			summary: '',
			baseRevision: 1
		});
		view = await getPageViewById(writer, page.id);
		expect(view.attachments.map((a) => a.fileName)).toEqual(['chart.png', 'later.png']);

		const checks = (ctx: RequestContext) => ({
			post: (id: number) => canViewPost(ctx, id),
			page: (id: number) => canViewPage(ctx, id),
			memo: async () => false
		});
		const opened = await openAttachment(writer, chart.id, checks(writer));
		expect(opened.contentType).toBe('image/png');
		const outsider = await contextFor(db, colleague.id);
		await expect(openAttachment(outsider, chart.id, checks(outsider))).rejects.toBeInstanceOf(
			NotFoundError
		);
		// The foreign upload stayed unattached: still only its uploader's.
		await expect(openAttachment(writer, foreign.id, checks(writer))).rejects.toBeInstanceOf(
			NotFoundError
		);
	});
});
