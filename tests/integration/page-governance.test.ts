/**
 * The page settings form's data: named editors and the people of the page's space, only for
 * those who govern the page.
 */
import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/lib/server/errors.ts';
import {
	getPageGovernance,
	setPageGovernance
} from '../../src/lib/server/knowledge/page-governance.service.ts';
import { createPage } from '../../src/lib/server/knowledge/page.service.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const parent = await newDepartment(db, { slug: 'pg-parent', name: 'Parent' });
const child = await newDepartment(db, { slug: 'pg-child', name: 'Child', parentId: parent.id });
const other = await newDepartment(db, { slug: 'pg-other', name: 'Other' });
const olga = await newUser(db, { name: 'Olga Owner', departmentId: parent.id });
const cleo = await newUser(db, { name: 'Cleo Child', departmentId: child.id });
const otto = await newUser(db, { name: 'Otto Other', departmentId: other.id });
const ada = await newUser(db, { name: 'Ada Admin', departmentId: other.id });
await grantRole(db, ada.id, 'admin');
await newUser(db, { name: 'Gone Person', departmentId: parent.id, status: 'deactivated' });

describe('getPageGovernance', () => {
	it('lists the space’s people (sub-departments too) and the named editors, by name', async () => {
		const page = await createPage(await contextFor(db, olga.id), {
			space: 'pg-parent',
			title: 'Rules',
			body: 'x',
			parentId: null,
			slug: undefined,
			summary: ''
		});
		await setPageGovernance(await contextFor(db, olga.id), page.id, {
			ownerId: olga.id,
			reviewBy: null,
			editRestricted: true,
			editorIds: [otto.id, cleo.id]
		});
		const settings = await getPageGovernance(await contextFor(db, olga.id), page.id);
		expect(settings.editors.map((p) => p.name)).toEqual(['Cleo Child', 'Otto Other']);
		// Otto is outside the space but named, so the form can show him.
		expect(settings.people.map((p) => p.name)).toEqual(['Cleo Child', 'Olga Owner', 'Otto Other']);

		await expect(getPageGovernance(await contextFor(db, ada.id), page.id)).resolves.toBeTruthy();
		await expect(getPageGovernance(await contextFor(db, cleo.id), page.id)).rejects.toBeInstanceOf(
			ForbiddenError
		);
		await expect(getPageGovernance(await contextFor(db, olga.id), 999_999)).rejects.toBeInstanceOf(
			NotFoundError
		);
	});
});

describe('setPageGovernance', () => {
	it('refuses an editor who is nobody, changing nothing (found by the API fuzz test)', async () => {
		const ctx = await contextFor(db, olga.id);
		const page = await createPage(ctx, {
			space: 'pg-parent',
			title: 'Editors',
			body: 'x',
			parentId: null,
			slug: undefined,
			summary: ''
		});
		const refusal = await setPageGovernance(ctx, page.id, {
			ownerId: olga.id,
			reviewBy: null,
			editRestricted: true,
			editorIds: [cleo.id, 987_654]
		}).catch((e: unknown) => e);
		expect(refusal).toBeInstanceOf(ValidationError);
		expect((refusal as ValidationError).fields).toEqual({
			editorIds: 'Choose editors from the people directory.'
		});
		expect((await getPageGovernance(ctx, page.id)).editors).toEqual([]);
	});
});
