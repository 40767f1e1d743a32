/**
 * A failed upload leaves nothing behind: no attachment row and no stored file, whether the disk
 * refuses the bytes (full), the database refuses the row after the bytes were written, or a
 * later file of the same request or the post it belongs to is refused.
 *
 * The disk is simulated by a storage backend that fails on demand (FullDisk, below); everything
 * else is the real code against the real database, and the real LocalDiskStorage underneath.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusyError } from '../../src/lib/server/errors.ts';
import { publishFromForm } from '../../src/lib/server/feeds/post-form.ts';
import {
	uploadAttachment,
	uploadAttachments
} from '../../src/lib/server/files/attachment.service.ts';
import {
	LocalDiskStorage,
	useFileStorageForTests,
	type FileStorage
} from '../../src/lib/server/files/storage.ts';
import { POST } from '../../src/routes/(app)/files/+server.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

/** The real local store, until told that the disk is full after `room` more files. */
class FullDisk implements FileStorage {
	readonly disk: LocalDiskStorage;
	room = Infinity;
	puts = 0;
	constructor(root: string) {
		this.disk = new LocalDiskStorage(root);
	}
	async put(key: string, bytes: Uint8Array): Promise<void> {
		this.puts++;
		if (this.room <= 0)
			throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
				code: 'ENOSPC',
				errno: -28,
				syscall: 'write'
			});
		this.room--;
		await this.disk.put(key, bytes);
	}
	get(key: string) {
		return this.disk.get(key);
	}
	delete(key: string) {
		return this.disk.delete(key);
	}
}

const folder = await mkdtemp(path.join(tmpdir(), 'commons-full-disk-'));
const storage = new FullDisk(folder);
useFileStorageForTests(storage);
afterAll(() => rm(folder, { recursive: true, force: true }));
beforeEach(() => {
	storage.room = Infinity;
	storage.puts = 0;
});

const team = await newDepartment(db);
const author = await newUser(db, { departmentId: team.id });
const ctx = await contextFor(db, author.id);
const text = (s: string) => new TextEncoder().encode(s);

/** Every file in the upload folder (partial writes included), and every attachment row. */
async function leftovers() {
	const files = (await readdir(folder, { recursive: true, withFileTypes: true }))
		.filter((e) => e.isFile())
		.map((e) => path.join(e.parentPath, e.name));
	const rows = await db.selectFrom('attachment').select(['id', 'storageKey']).execute();
	return { files, rows };
}

const upload = (form: FormData) =>
	POST({
		request: new Request('http://commons.test/files', { method: 'POST', body: form }),
		locals: { actor: ctx.actor },
		getClientAddress: () => '127.0.0.1'
	} as unknown as Parameters<typeof POST>[0]);

describe('when the disk is full', () => {
	it('refuses one file with 503 and a message the person can act on, storing nothing', async () => {
		const before = await leftovers();
		storage.room = 0;
		const form = new FormData();
		form.append('file', new File(['a,b\n'], 'budget.csv'));
		const response = await upload(form);
		expect(response.status).toBe(503);
		expect(await response.json()).toEqual({
			error: {
				code: 'busy',
				message: '“budget.csv” could not be stored just now. Please try again later.'
			}
		});
		expect(await leftovers()).toEqual(before);
	});

	it('undoes the earlier files of the same request when a later one does not fit', async () => {
		const before = await leftovers();
		storage.room = 2;
		const form = new FormData();
		for (const name of ['one.txt', 'two.txt', 'three.txt'])
			form.append('file', new File([`${name}\n`], name));
		const response = await upload(form);
		expect(response.status).toBe(503);
		expect(storage.puts).toBe(3);
		expect(await leftovers()).toEqual(before);

		// With room again, the same request goes through whole.
		storage.room = Infinity;
		const again = await upload(form);
		expect(again.status).toBe(201);
		expect((await leftovers()).rows).toHaveLength(before.rows.length + 3);
	});

	it('keeps the composer’s text and leaves no files when a post’s upload fails without JavaScript', async () => {
		const before = await leftovers();
		storage.room = 1;
		const form = new FormData();
		form.set('body', 'Minutes attached');
		form.set('audience', String(team.id));
		form.append('files', new File(['first\n'], 'first.txt'));
		form.append('files', new File(['second\n'], 'second.txt'));
		const result = await publishFromForm({
			request: new Request('http://commons.test/feed', { method: 'POST', body: form }),
			locals: { actor: ctx.actor },
			getClientAddress: () => '127.0.0.1'
		} as never);
		expect(result).toMatchObject({
			status: 503,
			data: { values: { body: 'Minutes attached' } }
		});
		expect(await leftovers()).toEqual(before);
		expect(await db.selectFrom('post').where('authorId', '=', author.id).execute()).toEqual([]);
	});
});

describe('when the row cannot be written after the bytes were', () => {
	// PostgreSQL's own error for a full disk, raised where the attachment row would go.
	beforeEach(async () => {
		await sql`
			create or replace function refuse_attachment() returns trigger language plpgsql as $$
			begin
				raise exception 'could not extend file: No space left on device' using errcode = 'disk_full';
			end $$
		`.execute(db);
		await sql`
			create trigger refuse_attachment before insert on attachment
			for each row execute function refuse_attachment()
		`.execute(db);
	});
	afterEach(async () => {
		await sql`drop trigger refuse_attachment on attachment`.execute(db);
	});

	it('removes the bytes again and passes the database’s error on', async () => {
		const before = await leftovers();
		const error = await uploadAttachment(ctx, {
			fileName: 'notes.txt',
			bytes: text('plain notes\n')
		}).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: '53100' });
		expect(storage.puts).toBe(1);
		expect(await leftovers()).toEqual(before);
	});

	it('removes the whole request’s files when the row of a later one fails', async () => {
		const before = await leftovers();
		// The first row goes in; the trigger then refuses the second.
		await sql`drop trigger refuse_attachment on attachment`.execute(db);
		await sql`
			create trigger refuse_attachment before insert on attachment
			for each row when (new.file_name = 'second.txt') execute function refuse_attachment()
		`.execute(db);
		const error = await uploadAttachments(ctx, [
			{ fileName: 'first.txt', bytes: text('first\n') },
			{ fileName: 'second.txt', bytes: text('second\n') }
		]).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: '53100' });
		expect(error).not.toBeInstanceOf(BusyError);
		expect(storage.puts).toBe(2);
		expect(await leftovers()).toEqual(before);
	});
});

describe('when the post is refused after its files were uploaded', () => {
	it('removes the files the refused form brought', async () => {
		const before = await leftovers();
		const form = new FormData();
		form.set('body', 'For a department that does not exist');
		form.set('audience', '999999');
		form.append('files', new File(['kept?\n'], 'kept.txt'));
		const result = await publishFromForm({
			request: new Request('http://commons.test/feed', { method: 'POST', body: form }),
			locals: { actor: ctx.actor },
			getClientAddress: () => '127.0.0.1'
		} as never);
		expect(result).toMatchObject({ status: 400 });
		expect(storage.puts).toBe(1);
		expect(await leftovers()).toEqual(before);
	});
});
