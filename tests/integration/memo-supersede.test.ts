/**
 * A memo that replaces an earlier one, and a memo's files, against a real database: publishing
 * the new memo supersedes the old one (nobody owes it, acknowledging it is refused with a
 * pointer to the new one), only those who may retract the old memo may replace it, and a file
 * linked from a memo's text is attached to it and served to its readers only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	ValidationError
} from '../../src/lib/server/errors.ts';
import { getMemoPage } from '../../src/lib/server/memos/memo-desk.service.ts';
import { uploadAttachment } from '../../src/lib/server/files/attachment.service.ts';
import { LocalDiskStorage, useFileStorageForTests } from '../../src/lib/server/files/storage.ts';
import {
	acknowledgeMemo,
	listMyPendingMemos
} from '../../src/lib/server/memos/memo-ack.service.ts';
import { canSeeMemo, listMemoFiles } from '../../src/lib/server/memos/memo-files.service.ts';
import {
	amendMemo,
	publishMemo,
	retractMemo
} from '../../src/lib/server/memos/memo-publish.service.ts';
import { createMemoDraft } from '../../src/lib/server/memos/memo.service.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';

const { db } = await createTestDatabase();
const { departments: d, as } = await memoOrganisation(db, 'sup');
const folder = await mkdtemp(path.join(tmpdir(), 'commons-memo-files-'));
useFileStorageForTests(new LocalDiskStorage(folder));
afterAll(() => rm(folder, { recursive: true, force: true }));

const toNorth = (overrides: Parameters<typeof draft>[0] extends infer T ? Partial<T> : never) =>
	draft({
		issuingDepartmentId: d.ops.id,
		audience: [{ kind: 'department', departmentId: d.north.id, includeSub: true, exclude: false }],
		...overrides
	});

describe('replacing a memo', () => {
	it('supersedes the old memo when the new one is published', async () => {
		const old = await publishNew(as.olga, toNorth({ title: 'Parking rules 2026' }));
		const replacement = await createMemoDraft(
			as.olga,
			toNorth({ title: 'Parking rules 2027', supersedesId: old.id })
		);
		// Until the new one goes out, the old one still stands.
		expect((await listMyPendingMemos(as.nina)).map((m) => m.id)).toContain(old.id);
		await publishMemo(as.olga, replacement.id, { publishAt: null });

		const row = await db
			.selectFrom('memo')
			.select(['status', 'supersededBy'])
			.where('id', '=', old.id)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ status: 'superseded', supersededBy: replacement.id });
		// The new memo's page names the one it replaces; the page is its readers' only.
		const page = await getMemoPage(as.nina, replacement.id);
		expect(page.replaces).toEqual({ id: old.id, title: 'Parking rules 2026' });
		expect(page.desk).toBeNull();
		await expect(getMemoPage(as.lena, replacement.id)).rejects.toThrow(NotFoundError);
		const pending = (await listMyPendingMemos(as.nina)).map((m) => m.id);
		expect(pending).toContain(replacement.id);
		expect(pending).not.toContain(old.id);
		await expect(
			acknowledgeMemo(as.nina, old.id, { version: 1, attested: false, answer: null })
		).rejects.toThrow(`superseded by memo ${replacement.id}`);
		// A superseded memo is no longer published: it cannot be amended.
		await expect(
			amendMemo(as.olga, old.id, { body: 'Changed', kind: 'editorial', note: '' })
		).rejects.toThrow(ConflictError);
		const audit = await db
			.selectFrom('auditEvent')
			.select(['action', 'objectId'])
			.where('action', '=', 'memo.supersede')
			.execute();
		expect(audit).toContainEqual({ action: 'memo.supersede', objectId: String(old.id) });
	});

	it('lets only those who may retract a memo replace it, and only a published one', async () => {
		const old = await publishNew(as.olga, toNorth({ title: 'Radio channels' }));
		// Legal's staff may not; a draft cannot be replaced.
		await expect(
			createMemoDraft(as.comms, draft({ issuingDepartmentId: d.legal.id, supersedesId: old.id }))
		).rejects.toThrow(ForbiddenError);
		const aDraft = await createMemoDraft(as.olga, toNorth({ title: 'Not yet out' }));
		await expect(
			createMemoDraft(as.olga, toNorth({ supersedesId: aDraft.id }))
		).rejects.toMatchObject({
			constructor: ValidationError,
			fields: { supersedesId: 'Choose a published memo, or none.' }
		});
		// The agency's manager (above Operations) may.
		const byChief = await createMemoDraft(
			as.chief,
			draft({
				issuingDepartmentId: d.agency.id,
				supersedesId: old.id,
				audience: [
					{ kind: 'department', departmentId: d.north.id, includeSub: true, exclude: false }
				]
			})
		);
		expect(byChief.supersedesId).toBe(old.id);
	});

	it('refuses to publish, writing nothing, when the old memo was retracted meanwhile', async () => {
		const old = await publishNew(as.olga, toNorth({ title: 'Badge photos' }));
		const replacement = await createMemoDraft(as.olga, toNorth({ supersedesId: old.id }));
		await retractMemo(as.olga, old.id, { reason: 'Withdrawn by HR.' });
		await expect(publishMemo(as.olga, replacement.id, { publishAt: null })).rejects.toMatchObject({
			fields: { supersedesId: 'Choose a published memo, or none.' }
		});
		const after = await db
			.selectFrom('memo')
			.select('status')
			.where('id', '=', replacement.id)
			.executeTakeFirstOrThrow();
		expect(after.status).toBe('draft');
		const recipients = await db
			.selectFrom('memoRecipient')
			.select('userId')
			.where('memoId', '=', replacement.id)
			.execute();
		expect(recipients).toEqual([]);
	});
});

describe('a memo’s files', () => {
	it('attaches the files its text links to, served to its readers only', async () => {
		const file = await uploadAttachment(as.olga, {
			fileName: 'route-map.pdf',
			bytes: new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')
		});
		// Someone else's upload cannot be claimed by linking to it.
		const foreign = await uploadAttachment(as.lena, {
			fileName: 'notes.pdf',
			bytes: new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')
		});
		const memo = await publishNew(
			as.olga,
			toNorth({
				title: 'Gritting routes',
				body: `See [the map](${file.url}) and [notes](${foreign.url}).`
			})
		);
		expect((await listMemoFiles(memo.id)).map((f) => f.fileName)).toEqual(['route-map.pdf']);
		expect(await canSeeMemo(as.nina, memo.id)).toBe(true); // a recipient
		expect(await canSeeMemo(as.olga, memo.id)).toBe(true); // its author
		expect(await canSeeMemo(as.lena, memo.id)).toBe(false); // not addressed to her
		// An amendment attaches the files the new text links to.
		const second = await uploadAttachment(as.olga, {
			fileName: 'route-map-v2.pdf',
			bytes: new TextEncoder().encode('%PDF-1.4\n2 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')
		});
		await amendMemo(as.olga, memo.id, {
			body: `See [the new map](${second.url}).`,
			kind: 'editorial',
			note: 'New map.'
		});
		expect((await listMemoFiles(memo.id)).map((f) => f.fileName)).toEqual([
			'route-map.pdf',
			'route-map-v2.pdf'
		]);
	});
});
