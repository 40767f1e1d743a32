/**
 * Uploads against a real database and a real folder: the type comes from the bytes, sizes are
 * bounded, and a file is served only to its uploader until attached, then to the post's readers.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../src/lib/server/errors.ts';
import {
	deleteAbandonedUploads,
	openAttachment,
	uploadAttachment
} from '../../src/lib/server/files/attachment.service.ts';
import { LocalDiskStorage, useFileStorageForTests } from '../../src/lib/server/files/storage.ts';
import { getPostView } from '../../src/lib/server/feeds/feed.service.ts';
import { canViewPost, createPost } from '../../src/lib/server/feeds/post.service.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();
const folder = await mkdtemp(path.join(tmpdir(), 'commons-uploads-'));
useFileStorageForTests(new LocalDiskStorage(folder));
afterAll(() => rm(folder, { recursive: true, force: true }));

/** A real PNG of the given size (one grey pixel row per line). */
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
	header[8] = 8; // bit depth
	header[9] = 0; // greyscale
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
	bytes.write('MZ', 0, 'ascii');
	bytes.writeUInt32LE(0x80, 0x3c);
	bytes.write('PE\0\0', 0x80, 'binary');
	return new Uint8Array(bytes);
}

const team = await newDepartment(db);
const otherTeam = await newDepartment(db);
const author = await newUser(db, { departmentId: team.id });
const colleague = await newUser(db, { departmentId: team.id });
const outsider = await newUser(db, { departmentId: otherTeam.id });
const secretTeam = await newDepartment(db, { visibility: 'members-only' });
const secretAuthor = await newUser(db, { departmentId: secretTeam.id });

describe('uploads', () => {
	it('accept a real image, with its width and height, and store its bytes and hash', async () => {
		const bytes = png(3, 2);
		const view = await uploadAttachment(await contextFor(db, author.id), {
			fileName: '../../etc/chart.png',
			bytes
		});
		expect(view).toMatchObject({
			fileName: 'chart.png',
			contentType: 'image/png',
			width: 3,
			height: 2,
			isImage: true,
			byteSize: bytes.byteLength
		});
		const row = await db
			.selectFrom('attachment')
			.where('id', '=', view.id)
			.selectAll()
			.executeTakeFirstOrThrow();
		expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(row.storageKey).not.toContain('chart');
		const opened = await openAttachment(
			await contextFor(db, author.id),
			view.id,
			async () => false
		);
		expect(Buffer.from(opened.bytes).equals(Buffer.from(bytes))).toBe(true);
	});

	it('refuse a program renamed .png, an SVG, and a file over 10 MB, naming the file', async () => {
		const ctx = await contextFor(db, author.id);
		const disguised = await uploadAttachment(ctx, {
			fileName: 'setup.png',
			bytes: windowsProgram()
		}).catch((e) => e);
		expect(disguised).toBeInstanceOf(ValidationError);
		expect(disguised.message).toMatch(/“setup.png” is not an allowed file type/);
		expect(disguised.message).toMatch(/Windows program/);

		const svg = await uploadAttachment(ctx, {
			fileName: 'logo.svg',
			bytes: new TextEncoder().encode(
				'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
			)
		}).catch((e) => e);
		expect(svg).toBeInstanceOf(ValidationError);

		const huge = new Uint8Array(10 * 1024 * 1024 + 1);
		huge.set(png(1, 1));
		const tooBig = await uploadAttachment(ctx, { fileName: 'huge.png', bytes: huge }).catch(
			(e) => e
		);
		expect(tooBig).toBeInstanceOf(ValidationError);
		expect(tooBig.message).toMatch(/huge.png.*10 MB/);
	});

	it('accept CSV and text by name only when the bytes are plain UTF-8 text', async () => {
		const ctx = await contextFor(db, author.id);
		const csv = await uploadAttachment(ctx, {
			fileName: 'budget.csv',
			bytes: new TextEncoder().encode('line,amount\ntravel,120\n')
		});
		expect(csv.contentType).toBe('text/csv');
		await expect(
			uploadAttachment(ctx, { fileName: 'data.csv', bytes: new Uint8Array([0, 1, 2, 3, 0xff]) })
		).rejects.toBeInstanceOf(ValidationError);
	});
});

describe('attached files', () => {
	it('are served to the post’s readers only, and only the uploader may attach their upload', async () => {
		const upload = await uploadAttachment(await contextFor(db, author.id), {
			fileName: 'plan.png',
			bytes: png(4, 4)
		});
		// Before it is attached, only its uploader sees it.
		await expect(
			openAttachment(await contextFor(db, colleague.id), upload.id, async () => true)
		).rejects.toBeInstanceOf(NotFoundError);
		// Someone else cannot attach it to their post.
		await expect(
			createPost(await contextFor(db, colleague.id), {
				body: 'Borrowing a file',
				audience: team.id,
				announcement: false,
				attachmentIds: [upload.id]
			})
		).rejects.toBeInstanceOf(ValidationError);

		const post = await createPost(await contextFor(db, author.id), {
			body: 'The plan',
			audience: team.id,
			announcement: false,
			attachmentIds: [upload.id]
		});
		const view = await getPostView(await contextFor(db, colleague.id), post.id);
		expect(view.attachments).toMatchObject([{ id: upload.id, width: 4, height: 4 }]);
		const colleagueCtx = await contextFor(db, colleague.id);
		const opened = await openAttachment(colleagueCtx, upload.id, (id) =>
			canViewPost(colleagueCtx, id)
		);
		expect(opened.contentType).toBe('image/png');
	});

	it('in a members-only department stay hidden from everyone else', async () => {
		const ctx = await contextFor(db, secretAuthor.id);
		const upload = await uploadAttachment(ctx, { fileName: 'evidence.png', bytes: png(2, 2) });
		await createPost(ctx, {
			body: 'Evidence',
			audience: secretTeam.id,
			announcement: false,
			attachmentIds: [upload.id]
		});
		const outsiderCtx = await contextFor(db, outsider.id);
		await expect(
			openAttachment(outsiderCtx, upload.id, (id) => canViewPost(outsiderCtx, id))
		).rejects.toBeInstanceOf(NotFoundError);
	});

	it('abandoned uploads are removed after a day, rows and bytes', async () => {
		const upload = await uploadAttachment(await contextFor(db, author.id), {
			fileName: 'draft.png',
			bytes: png(1, 1)
		});
		const filesBefore = (await readdir(folder, { recursive: true })).length;
		const removed = await deleteAbandonedUploads(db, new Date(Date.now() + 25 * 3_600_000));
		expect(removed).toBeGreaterThanOrEqual(1);
		expect(
			await db.selectFrom('attachment').where('id', '=', upload.id).select('id').executeTakeFirst()
		).toBeUndefined();
		expect((await readdir(folder, { recursive: true })).length).toBeLessThan(filesBefore);
		// Attached files stay.
		const attached = await db
			.selectFrom('attachment')
			.where('postId', 'is not', null)
			.select('id')
			.execute();
		expect(attached.length).toBeGreaterThanOrEqual(2);
	});
});
